/** A small typed reader over parsed JSON that records every problem with its field path and what is allowed. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid deploy config:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Json = unknown;

export interface IntRule {
  readonly min?: number;
  readonly max?: number;
  readonly default?: number;
}
export interface StringRule {
  readonly pattern?: RegExp;
  /** Human words for the pattern, used in the message. */
  readonly allowed?: string;
  readonly default?: string;
}

const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const describe = (v: Json): string => (v === undefined ? 'nothing' : JSON.stringify(v));

export class ConfigReader {
  constructor(
    private readonly value: Record<string, Json>,
    readonly path: string,
    private readonly problems: string[],
    allowedKeys?: readonly string[],
  ) {
    if (allowedKeys !== undefined) {
      for (const key of Object.keys(value)) {
        if (!allowedKeys.includes(key)) problems.push(`${this.at(key)}: unknown field; allowed fields here: ${allowedKeys.join(', ')}`);
      }
    }
  }

  static root(value: Json, allowedKeys: readonly string[]): { reader: ConfigReader; problems: string[] } {
    const problems: string[] = [];
    if (!isObject(value)) {
      problems.push(`config: expected a JSON object, got ${describe(value)}`);
      return { reader: new ConfigReader({}, '', problems), problems };
    }
    return { reader: new ConfigReader(value, '', problems, allowedKeys), problems };
  }

  at(key: string | number): string {
    if (typeof key === 'number') return `${this.path}[${key}]`;
    return this.path === '' ? key : `${this.path}.${key}`;
  }

  problem(key: string | number, message: string): void {
    this.problems.push(`${this.at(key)}: ${message}`);
  }

  has(key: string): boolean {
    return this.value[key] !== undefined;
  }

  raw(key: string): Json {
    return this.value[key];
  }

  string(key: string, rule: StringRule = {}): string {
    const v = this.value[key];
    if (v === undefined && rule.default !== undefined) return rule.default;
    if (typeof v !== 'string' || v === '') {
      this.problem(key, `expected ${rule.allowed ?? 'a non-empty string'}, got ${describe(v)}`);
      return rule.default ?? '';
    }
    if (rule.pattern !== undefined && !rule.pattern.test(v)) {
      this.problem(key, `${describe(v)} is not allowed; expected ${rule.allowed ?? `a string matching ${rule.pattern}`}`);
    }
    return v;
  }

  optionalString(key: string, rule: StringRule = {}): string | undefined {
    return this.has(key) ? this.string(key, rule) : undefined;
  }

  oneOf<T extends string>(key: string, choices: readonly T[], fallback?: T): T {
    const v = this.value[key];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) {
      this.problem(key, `expected one of ${choices.map((c) => JSON.stringify(c)).join(', ')}, got ${describe(v)}`);
      return fallback ?? choices[0]!;
    }
    return v as T;
  }

  int(key: string, rule: IntRule = {}): number {
    const v = this.value[key];
    if (v === undefined && rule.default !== undefined) return rule.default;
    const bounds = `${rule.min ?? '-inf'} <= n <= ${rule.max ?? 'inf'}`;
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      this.problem(key, `expected an integer (${bounds}), got ${describe(v)}`);
      return rule.default ?? rule.min ?? 0;
    }
    if ((rule.min !== undefined && v < rule.min) || (rule.max !== undefined && v > rule.max)) {
      this.problem(key, `${v} is out of range; expected an integer with ${bounds}`);
    }
    return v;
  }

  /** A non-negative finite number (prices). */
  amount(key: string, fallback?: number): number {
    const v = this.value[key];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      this.problem(key, `expected a non-negative number, got ${describe(v)}`);
      return 0;
    }
    return v;
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.value[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') {
      this.problem(key, `expected true or false, got ${describe(v)}`);
      return fallback;
    }
    return v;
  }

  /** A nested object; `undefined` (with a problem recorded when required) if absent or not an object. */
  object(key: string, allowedKeys: readonly string[], required = true): ConfigReader | undefined {
    const v = this.value[key];
    if (v === undefined && !required) return undefined;
    if (!isObject(v)) {
      this.problem(key, `expected an object with fields ${allowedKeys.join(', ')}, got ${describe(v)}`);
      return undefined;
    }
    return new ConfigReader(v, this.at(key), this.problems, allowedKeys);
  }

  /** A map whose keys are free (price tables); each value read with `allowedKeys`. */
  entries(key: string, allowedKeys: readonly string[]): [string, ConfigReader][] {
    const v = this.value[key];
    if (v === undefined) return [];
    if (!isObject(v)) {
      this.problem(key, `expected an object keyed by name, got ${describe(v)}`);
      return [];
    }
    const out: [string, ConfigReader][] = [];
    for (const [name, entry] of Object.entries(v)) {
      const path = `${this.at(key)}.${name}`;
      if (!isObject(entry)) this.problems.push(`${path}: expected an object with fields ${allowedKeys.join(', ')}, got ${describe(entry)}`);
      else out.push([name, new ConfigReader(entry, path, this.problems, allowedKeys)]);
    }
    return out;
  }

  /** Numbers keyed by name (RDS prices). */
  amounts(key: string): Record<string, number> {
    const v = this.value[key];
    const out: Record<string, number> = {};
    if (v === undefined) return out;
    if (!isObject(v)) {
      this.problem(key, `expected an object of name -> number, got ${describe(v)}`);
      return out;
    }
    const inner = new ConfigReader(v, this.at(key), this.problems);
    for (const name of Object.keys(v)) out[name] = inner.amount(name);
    return out;
  }

  /** An array of objects, each read with `allowedKeys`. */
  objects(key: string, allowedKeys: readonly string[], minItems = 1): ConfigReader[] {
    const v = this.value[key];
    if (!Array.isArray(v) || v.length < minItems) {
      this.problem(key, `expected an array of at least ${minItems} object(s) with fields ${allowedKeys.join(', ')}, got ${describe(v)}`);
      return [];
    }
    const out: ConfigReader[] = [];
    v.forEach((item: Json, i) => {
      if (!isObject(item)) this.problem(i, `expected an object, got ${describe(item)}`);
      else out.push(new ConfigReader(item, this.at(key) + `[${i}]`, this.problems, allowedKeys));
    });
    return out;
  }

  strings(key: string, rule: StringRule & { minItems?: number } = {}): string[] {
    const v = this.value[key];
    const minItems = rule.minItems ?? 1;
    if (v === undefined && minItems === 0) return [];
    if (!Array.isArray(v) || v.length < minItems) {
      this.problem(key, `expected an array of at least ${minItems} string(s)${rule.allowed ? ` (${rule.allowed})` : ''}, got ${describe(v)}`);
      return [];
    }
    return v.map((item: Json, i) => {
      if (typeof item !== 'string' || (rule.pattern !== undefined && !rule.pattern.test(item))) {
        this.problems.push(`${this.at(key)}[${i}]: expected ${rule.allowed ?? 'a string'}, got ${describe(item)}`);
        return '';
      }
      return item;
    });
  }
}
