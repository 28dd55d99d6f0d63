import type { ServiceDefinition } from '@grpc/grpc-js';
import { LEASE_LOSS_REASONS, ProtoWriter, lossReasonName, varintSize, type LeaseTasksResponseMessage, type TaskMessage, type UnitRefMessage } from '@florin/core';

/**
 * A hand-written encoder of florin.v1.LeaseTasksResponse (jobs.proto): its
 * tasks and the acks of the outcomes the request carried. The
 * coordinator's largest answer (up to 1,000 tasks). The tasks of one answer
 * mostly share their job's strings (job id, unit, dataset, params, output
 * dataset): their UTF-8 sizes are measured once per answer, and the whole
 * answer is written into one buffer sized up front. Proto3 rules: default
 * scalar values (0, '', false, empty lists) are left out; the unit message is
 * always written. About twice as fast as
 * protobufjs' generated encoder on a 256-task answer (1.1 vs 2.2-2.4 µs per
 * task, measured when it was written), and no proto-loader fromObject copy.
 */

// Tags: (field number << 3) | wire type (0 varint, 2 length-delimited).
const RESPONSE_TASKS = (1 << 3) | 2;
const RESPONSE_ACKS = (2 << 3) | 2;
const ACK_TASK_ID = (1 << 3) | 2;
const ACK_ATTEMPT = 2 << 3;
const ACK_ACCEPTED = 3 << 3;
const ACK_REASON = 4 << 3;
const TASK_ID = (1 << 3) | 2;
const JOB_ID = (2 << 3) | 2;
const INDEX = 3 << 3;
const ATTEMPT = 4 << 3;
const UNIT = (5 << 3) | 2;
const FINAL = 6 << 3;
const DATASET = (7 << 3) | 2;
const SYMBOLS = (8 << 3) | 2;
const START_MS = 9 << 3;
const END_MS = 10 << 3;
const PARAMS_JSON = (11 << 3) | 2;
const OUTPUT_DATASET = (12 << 3) | 2;
const PARTS = (13 << 3) | 2;
const LEASE_EXPIRES_MS = 14 << 3;
const MAX_ATTEMPTS = 15 << 3;
/** Field 30: a two-byte tag (varint of 242). */
const TRACEPARENT = (30 << 3) | 2;
/** Field 31: the write grant, a two-byte tag too. */
const GRANT = (31 << 3) | 2;
const UNIT_NAME = (1 << 3) | 2;
const UNIT_VERSION = (2 << 3) | 2;
const PART_INDEX = 1 << 3;
const PART_RESULT_JSON = (2 << 3) | 2;

/** UTF-8 sizes of the strings of one answer (its tasks repeat their job's strings). */
class Utf8Sizes {
  private readonly sizes = new Map<string, number>();

  of(text: string): number {
    let size = this.sizes.get(text);
    if (size === undefined) {
      size = Buffer.byteLength(text, 'utf8');
      this.sizes.set(text, size);
    }
    return size;
  }
}

/** LeaseLossReason wire numbers by name (jobs.proto: UNSPECIFIED = 0, then LEASE_LOSS_REASONS in order). */
const REASON_NUMBERS = new Map<string, number>(LEASE_LOSS_REASONS.map((reason, i) => [lossReasonName(reason), i + 1]));

type OutcomeAckOut = LeaseTasksResponseMessage['acks'][number];

function reasonNumber(reason: OutcomeAckOut['reason'] | number): number {
  return typeof reason === 'number' ? reason : (REASON_NUMBERS.get(reason) ?? 0);
}

function ackSize(ack: OutcomeAckOut, utf8: Utf8Sizes): number {
  return stringField(ack.taskId, utf8) + uintField(ack.attempt) + (ack.accepted ? 2 : 0) + uintField(reasonNumber(ack.reason));
}

export function encodeLeaseTasksResponse(message: LeaseTasksResponseMessage): Buffer {
  const utf8 = new Utf8Sizes();
  const taskSizes = message.tasks.map((task) => taskSize(task, utf8));
  const acks = message.acks ?? [];
  const ackSizes = acks.map((ack) => ackSize(ack, utf8));
  let total = 0;
  for (const size of taskSizes) total += 1 + varintSize(size) + size;
  for (const size of ackSizes) total += 1 + varintSize(size) + size;
  const out = new ProtoWriter(Buffer.allocUnsafe(total));
  message.tasks.forEach((task, i) => {
    out.byte(RESPONSE_TASKS);
    out.varint(taskSizes[i]!);
    writeTask(out, task, utf8);
  });
  acks.forEach((ack, i) => {
    out.byte(RESPONSE_ACKS);
    out.varint(ackSizes[i]!);
    writeString(out, ACK_TASK_ID, ack.taskId, utf8);
    writeUint(out, ACK_ATTEMPT, ack.attempt);
    if (ack.accepted) {
      out.byte(ACK_ACCEPTED);
      out.byte(1);
    }
    writeUint(out, ACK_REASON, reasonNumber(ack.reason));
  });
  if (out.pos !== total) throw new Error(`LeaseTasksResponse took ${out.pos} bytes, expected ${total}`);
  return out.buf;
}

function stringField(text: string, utf8: Utf8Sizes): number {
  if (text === '') return 0;
  const bytes = utf8.of(text);
  return 1 + varintSize(bytes) + bytes;
}

function uintField(value: number): number {
  return value === 0 ? 0 : 1 + varintSize(value);
}

function int64Field(value: number): number {
  return value === 0 ? 0 : 1 + int64Size(value);
}

function unitSize(unit: UnitRefMessage, utf8: Utf8Sizes): number {
  return stringField(unit.name, utf8) + stringField(unit.version, utf8);
}

function partSize(part: TaskMessage['parts'][number], utf8: Utf8Sizes): number {
  return uintField(part.index) + stringField(part.resultJson, utf8);
}

function taskSize(task: TaskMessage, utf8: Utf8Sizes): number {
  let size = stringField(task.taskId, utf8) + stringField(task.jobId, utf8) + uintField(task.index) + uintField(task.attempt);
  // A message field has presence: the unit is written (when set) even when both its strings are empty.
  if (task.unit) {
    const unit = unitSize(task.unit, utf8);
    size += 1 + varintSize(unit) + unit;
  }
  if (task.final) size += 2;
  size += stringField(task.dataset, utf8);
  for (const symbol of task.symbols) {
    const bytes = utf8.of(symbol);
    size += 1 + varintSize(bytes) + bytes;
  }
  size += int64Field(task.startMs) + int64Field(task.endMs) + stringField(task.paramsJson, utf8) + stringField(task.outputDataset, utf8);
  for (const part of task.parts) {
    const bytes = partSize(part, utf8);
    size += 1 + varintSize(bytes) + bytes;
  }
  size += int64Field(task.leaseExpiresMs) + uintField(task.maxAttempts);
  if (task.traceparent !== '') {
    const bytes = utf8.of(task.traceparent);
    size += varintSize(TRACEPARENT) + varintSize(bytes) + bytes;
  }
  size += wideStringField(GRANT, task.grant, utf8);
  return size;
}

function writeString(out: ProtoWriter, tag: number, text: string, utf8: Utf8Sizes): void {
  if (text !== '') out.string(tag, text, utf8.of(text));
}

function writeUint(out: ProtoWriter, tag: number, value: number): void {
  if (value === 0) return;
  out.byte(tag);
  out.varint(value);
}

function writeInt64(out: ProtoWriter, tag: number, value: number): void {
  if (value === 0) return;
  out.byte(tag);
  if (value > 0) out.varint(value);
  else writeNegativeVarint(out, value);
}

function writeTask(out: ProtoWriter, task: TaskMessage, utf8: Utf8Sizes): void {
  writeString(out, TASK_ID, task.taskId, utf8);
  writeString(out, JOB_ID, task.jobId, utf8);
  writeUint(out, INDEX, task.index);
  writeUint(out, ATTEMPT, task.attempt);
  if (task.unit) {
    out.byte(UNIT);
    out.varint(unitSize(task.unit, utf8));
    writeString(out, UNIT_NAME, task.unit.name, utf8);
    writeString(out, UNIT_VERSION, task.unit.version, utf8);
  }
  if (task.final) {
    out.byte(FINAL);
    out.byte(1);
  }
  writeString(out, DATASET, task.dataset, utf8);
  for (const symbol of task.symbols) out.string(SYMBOLS, symbol, utf8.of(symbol));
  writeInt64(out, START_MS, task.startMs);
  writeInt64(out, END_MS, task.endMs);
  writeString(out, PARAMS_JSON, task.paramsJson, utf8);
  writeString(out, OUTPUT_DATASET, task.outputDataset, utf8);
  for (const part of task.parts) {
    out.byte(PARTS);
    out.varint(partSize(part, utf8));
    writeUint(out, PART_INDEX, part.index);
    writeString(out, PART_RESULT_JSON, part.resultJson, utf8);
  }
  writeInt64(out, LEASE_EXPIRES_MS, task.leaseExpiresMs);
  writeUint(out, MAX_ATTEMPTS, task.maxAttempts);
  if (task.traceparent !== '') {
    const bytes = utf8.of(task.traceparent);
    out.varint(TRACEPARENT);
    out.varint(bytes);
    out.buf.write(task.traceparent, out.pos, 'utf8');
    out.pos += bytes;
  }
  writeWideString(out, GRANT, task.grant, utf8);
}

/** Size of a string field whose tag takes more than one byte (fields 16 and up). */
function wideStringField(tag: number, text: string, utf8: Utf8Sizes): number {
  if (text === '') return 0;
  const bytes = utf8.of(text);
  return varintSize(tag) + varintSize(bytes) + bytes;
}

function writeWideString(out: ProtoWriter, tag: number, text: string, utf8: Utf8Sizes): void {
  if (text === '') return;
  const bytes = utf8.of(text);
  out.varint(tag);
  out.varint(bytes);
  out.buf.write(text, out.pos, 'utf8');
  out.pos += bytes;
}

/** Bytes of an int64 varint: a negative value is its 64-bit two's complement (10 bytes). */
function int64Size(value: number): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`int64 field ${value} is not a safe integer`);
  return value < 0 ? 10 : varintSize(value);
}

function writeNegativeVarint(out: ProtoWriter, value: number): void {
  let bits = BigInt.asUintN(64, BigInt(value));
  for (let i = 0; i < 9; i++) {
    out.byte(Number(bits & 0x7fn) | 0x80);
    bits >>= 7n;
  }
  out.byte(Number(bits));
}

/** The WorkService definition with LeaseTasks answered by encodeLeaseTasksResponse (clients decode with proto-loader as usual). Returns a copy. */
export function withLeaseTasksEncoder(definition: ServiceDefinition): ServiceDefinition {
  const lease = definition['LeaseTasks'];
  if (!lease) throw new Error('the service has no LeaseTasks method');
  return { ...definition, LeaseTasks: { ...lease, responseSerialize: encodeLeaseTasksResponse } };
}
