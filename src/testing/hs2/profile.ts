/**
 * Runtime profiles and exec summaries in impalad's shapes, built from what
 * the coordinator knows about an operation (DuckDB has no per-operator
 * timings to report, so the plan is a nominal EXCHANGE over a SCAN whose
 * cardinality is the rows produced).
 *
 * @module
 */
import Int64 from 'node-int64';
import { impala, type ImpalaTypes } from '../../wire/gen.js';
import type { Operation, OperationState } from '../engine/operation.js';
import { VERSION_STRING } from './server-info.js';
import { formatTimestampNanos } from './value-format.js';

/** The state to report: a closed operation reports how it ended. */
function reportedState(op: Operation): OperationState {
  return op.state === 'CLOSED' ? (op.stateBeforeClose ?? 'FINISHED') : op.state;
}

/** Impala's duration text: `12.345ms`, `1s234ms`, `2m3s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms.toFixed(3)}ms`;
  if (ms < 60_000) return `${Math.floor(ms / 1000)}s${Math.round(ms % 1000)}ms`;
  return `${Math.floor(ms / 60_000)}m${Math.floor((ms % 60_000) / 1000)}s`;
}

const time = (d: Date): string => formatTimestampNanos(BigInt(d.getTime()) * 1_000_000n);

/** Rows the statement produced: fetched rows for queries, modified rows for DML. */
export function rowsProduced(op: Operation): number {
  return op.rowsModified ?? op.rowsFetched;
}

const QUERY_TYPES: Record<string, string> = { query: 'QUERY', dml: 'DML', ddl: 'DDL', other: 'SET' };

/**
 * The STRING-format runtime profile of an operation.
 *
 * @param coordinator - `host:port` of the coordinator that ran it
 */
export function runtimeProfile(op: Operation, coordinator: string): string {
  const state = reportedState(op);
  const end = op.endTime;
  const durationMs = (end ?? new Date()).getTime() - op.startTime.getTime();
  const impalaState = state === 'ERROR' ? 'EXCEPTION' : state === 'CANCELED' ? 'EXCEPTION' : state;
  const options = [...op.options.entries()].map(([k, v]) => `${k}=${v}`).join(',');
  const rows = rowsProduced(op);
  const tables = op.exec.tables.join(', ');
  const lines = [
    `Query (id=${op.queryId}):`,
    '  Summary:',
    `    Session ID: ${op.session.printableId}`,
    '    Session Type: HIVESERVER2',
    `    HiveServer2 Protocol Version: V${op.session.protocolVersion + 1}`,
    `    Start Time: ${time(op.startTime)}`,
    `    End Time: ${end ? time(end) : ''}`,
    `    Duration: ${formatDuration(durationMs)}`,
    `    Query Type: ${QUERY_TYPES[op.exec.kind] ?? 'QUERY'}`,
    `    Query State: ${impalaState}`,
    `    Impala Query State: ${state === 'CANCELED' ? 'ERROR' : state}`,
    `    Query Status: ${op.error ? op.error.message : 'OK'}`,
    `    Impala Version: ${VERSION_STRING}`,
    `    User: ${op.session.user}`,
    `    Connected User: ${op.session.user}`,
    '    Delegated User: ',
    `    Network Address: ${op.session.clientAddress}`,
    `    Default Db: ${op.session.database}`,
    `    Sql Statement: ${op.sql}`,
    `    Coordinator: ${coordinator}`,
    `    Query Options (set by configuration): ${options}`,
    `    Tables Queried: ${tables}`,
    '    Request Pool: default-pool',
    '    Admission result: Admitted immediately',
    '    ExecSummary: ',
    'Operator          #Hosts  #Inst  Avg Time  Max Time  #Rows  Est. #Rows  Peak Mem  Est. Peak Mem  Detail',
    '------------------------------------------------------------------------------------------------------',
    `01:EXCHANGE            1      1   0.000ns   0.000ns  ${String(rows).padStart(5)}          -1         0              0  UNPARTITIONED`,
    `00:SCAN DUCKDB         1      1   0.000ns   0.000ns  ${String(rows).padStart(5)}          -1         0              0  ${tables}`,
    '    Query Timeline: ',
    `       - Query submitted: 0.000ns (0.000ns)`,
    `       - Rows available: ${formatDuration(durationMs)}`,
    '  ImpalaServer:',
    '     - ClientFetchWaitTimer: 0.000ns',
    `     - NumRowsFetched: ${op.rowsFetched} (${op.rowsFetched})`,
    '     - RowMaterializationTimer: 0.000ns',
    `  Execution Profile ${op.queryId}:(Total: ${formatDuration(durationMs)}, non-child: 0.000ns, % non-child: 0.00%)`,
    `     - RowsProduced: ${rows} (${rows})`,
  ];
  if (op.rowsModified !== undefined) lines.push(`     - NumModifiedRows: ${op.rowsModified} (${op.rowsModified})`);
  return `${lines.join('\n')}\n`;
}

const EXEC_STATES: Record<OperationState, number> = {
  INITIALIZED: impala.TExecState.REGISTERED,
  PENDING: impala.TExecState.QUEUED,
  RUNNING: impala.TExecState.RUNNING,
  FINISHED: impala.TExecState.FINISHED,
  CANCELED: impala.TExecState.CANCELLED,
  ERROR: impala.TExecState.FAILED,
  CLOSED: impala.TExecState.FINISHED,
};

/** Impala's error code numbers (ErrorCodes.thrift) for the summary status. */
const GENERAL_ERROR = 2;
const CANCELLED_ERROR = 3;

/**
 * Each plan node's estimated memory (PlanNode.toThrift: the node resource
 * profile's estimate), which clients' summary tables print: the scan's
 * matches the 10MB per-host estimate EXPLAIN shows.
 */
const SCAN_MEM_ESTIMATE = 10 * 1024 * 1024 - 16 * 1024;
const EXCHANGE_MEM_ESTIMATE = 16 * 1024;

/** The exec summary of an operation. */
export function execSummary(op: Operation): ImpalaTypes.TExecSummary {
  const state = reportedState(op);
  const rows = rowsProduced(op);
  const latencyNs = ((op.endTime ?? new Date()).getTime() - op.startTime.getTime()) * 1e6;
  const stats = (): ImpalaTypes.TExecStats =>
    new impala.TExecStats({ latency_ns: new Int64(latencyNs), cardinality: new Int64(rows), memory_used: new Int64(0) });
  const nodes = [
    new impala.TPlanNodeExecSummary({
      node_id: 1,
      fragment_idx: 0,
      label: '01:EXCHANGE',
      label_detail: 'UNPARTITIONED',
      num_children: 1,
      estimated_stats: new impala.TExecStats({ cardinality: new Int64(-1), memory_used: new Int64(EXCHANGE_MEM_ESTIMATE) }),
      exec_stats: [stats()],
      is_broadcast: false,
      num_hosts: 1,
    }),
    new impala.TPlanNodeExecSummary({
      node_id: 0,
      fragment_idx: 1,
      label: '00:SCAN DUCKDB',
      label_detail: op.exec.tables.join(', '),
      num_children: 0,
      estimated_stats: new impala.TExecStats({ cardinality: new Int64(-1), memory_used: new Int64(SCAN_MEM_ESTIMATE) }),
      exec_stats: [stats()],
      num_hosts: 1,
    }),
  ];
  return new impala.TExecSummary({
    state: EXEC_STATES[state],
    nodes,
    // ImpalaServer::GetExecSummary while admission control holds the query.
    ...(op.queuedReason === undefined ? { is_queued: false } : { is_queued: true, queued_reason: op.queuedReason }),
    ...(op.error
      ? {
          status: new impala.TImpalaStatus({
            status_code: (state === 'CANCELED' ? CANCELLED_ERROR : GENERAL_ERROR) as ImpalaTypes.TErrorCode,
            error_msgs: [op.error.message],
          }),
        }
      : {}),
  });
}
