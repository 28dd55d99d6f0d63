/**
 * The params dialect units declared before JSON Schema (and unit rows
 * registered then still hold): name -> { type: 'number' | 'integer' | 'string'
 * | 'boolean' | 'string[]' | 'number[]', required?, default?, min?, max?,
 * enum?, minLength?, maxLength?, description? }. Read by migrating it to the
 * equivalent object schema.
 */
const LEGACY_TYPES = new Set(['string[]', 'number[]']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True for a map of param specs (not an object schema): every schema written since JSON Schema has type "object". */
export function isLegacyParams(value: Record<string, unknown>): boolean {
  return value['type'] !== 'object' || !isObject(value['properties']);
}

/** The object schema equivalent to a legacy map. Keys it does not know are kept, so the schema check names them. */
export function fromLegacyParams(legacy: Record<string, unknown>): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const [name, spec] of Object.entries(legacy)) {
    if (!isObject(spec)) {
      properties[name] = spec;
      continue;
    }
    const { type, required: isRequired, min, max, minLength, maxLength, ...rest } = spec;
    if (isRequired === true) required.push(name);
    const bounds = { ...(min !== undefined ? { minimum: min } : {}), ...(max !== undefined ? { maximum: max } : {}) };
    if (typeof type === 'string' && LEGACY_TYPES.has(type)) {
      const items = type === 'string[]' ? { type: 'string' } : { type: 'number', ...bounds };
      properties[name] = {
        type: 'array',
        items,
        ...(minLength !== undefined ? { minItems: minLength } : {}),
        ...(maxLength !== undefined ? { maxItems: maxLength } : {}),
        ...rest,
      };
    } else {
      properties[name] = {
        type,
        ...bounds,
        ...(minLength !== undefined ? { minLength } : {}),
        ...(maxLength !== undefined ? { maxLength } : {}),
        ...rest,
      };
    }
  }
  return { type: 'object', properties, required, additionalProperties: false };
}

