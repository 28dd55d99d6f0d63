/** Task sizes Fargate accepts (Linux, platform >= 1.4.0): memory choices in MiB for each CPU value in CPU units. */
const range = (from: number, to: number, step: number): number[] => {
  const out: number[] = [];
  for (let m = from; m <= to; m += step) out.push(m);
  return out;
};

export const FARGATE_MEMORY_BY_CPU: ReadonlyMap<number, readonly number[]> = new Map([
  [256, [512, 1024, 2048]],
  [512, range(1024, 4096, 1024)],
  [1024, range(2048, 8192, 1024)],
  [2048, range(4096, 16384, 1024)],
  [4096, range(8192, 30720, 1024)],
  [8192, range(16384, 61440, 4096)],
  [16384, range(32768, 122880, 8192)],
]);

/** The largest memory Fargate gives one task (16 vCPU, 120 GiB); a QCU pool that needs more runs on Managed Instances. */
export const FARGATE_MAX_MEMORY_MIB = 122_880;

/** Why a CPU/memory pair is not a Fargate task size, with the valid choices; undefined when it is one. */
export function fargateSizeProblem(cpu: number, memoryMiB: number): string | undefined {
  const choices = FARGATE_MEMORY_BY_CPU.get(cpu);
  if (choices === undefined) {
    return `cpu ${cpu} is not a Fargate CPU value; choose one of ${[...FARGATE_MEMORY_BY_CPU.keys()].join(', ')} (CPU units, 1024 = 1 vCPU)`;
  }
  if (!choices.includes(memoryMiB)) {
    return `memoryMiB ${memoryMiB} is not valid with cpu ${cpu} on Fargate; with cpu ${cpu} choose one of ${compactList(choices)} MiB`;
  }
  return undefined;
}

/** 512, 1024, 2048 or "2048 to 8192 in steps of 1024". */
function compactList(values: readonly number[]): string {
  if (values.length <= 3) return values.join(', ');
  const step = values[1]! - values[0]!;
  return `${values[0]} to ${values[values.length - 1]} in steps of ${step} (${values.join(', ')})`;
}
