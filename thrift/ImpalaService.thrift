// impala-pool's own IDL for the Impala extensions of HiveServer2
// (ImpalaHiveServer2Service) that the client and the test cluster use:
// ping, DML-aware close, runtime profile and exec summary. Field ids and types
// follow Impala's ImpalaService.thrift, ExecStats.thrift, Status.thrift and
// RuntimeProfile.thrift; parts we never read (the Thrift-encoded profile tree,
// planner internals) are left out and skipped on the wire.

namespace js ImpalaService

include "TCLIService.thrift"

// Impala's own status (Status.thrift); status_code is an i32 ErrorCodes enum
// upstream. Only OK is named here, other values still decode.
enum TErrorCode {
  OK = 0
}

struct TImpalaStatus {
  1: required TErrorCode status_code
  2: list<string> error_msgs
}

enum TExecState {
  REGISTERED = 0
  PLANNING = 1
  QUEUED = 2
  RUNNING = 3
  FINISHED = 4
  CANCELLED = 5
  FAILED = 6
}

struct TExecStats {
  1: optional i64 latency_ns
  2: optional i64 cpu_time_ns
  3: optional i64 cardinality
  4: optional i64 memory_used
}

struct TPlanNodeExecSummary {
  1: required i32 node_id
  2: required i32 fragment_idx
  3: required string label
  4: optional string label_detail
  5: required i32 num_children
  6: optional TExecStats estimated_stats
  7: optional list<TExecStats> exec_stats
  8: optional bool is_broadcast
  9: optional i32 num_hosts
}

struct TExecProgress {
  1: optional i64 total_scan_ranges
  2: optional i64 num_completed_scan_ranges
}

struct TExecSummary {
  1: required TExecState state
  2: optional TImpalaStatus status
  3: optional list<TPlanNodeExecSummary> nodes
  4: optional map<i32, i32> exch_to_sender_map
  5: optional list<string> error_logs
  6: optional TExecProgress progress
  7: optional bool is_queued
  8: optional string queued_reason
}

enum TRuntimeProfileFormat {
  STRING = 0
  BASE64 = 1
  THRIFT = 2
  JSON = 3
}

struct TDmlResult {
  // Rows modified per partition ("" for an unpartitioned table).
  1: required map<string, i64> rows_modified
  2: optional i64 num_row_errors
  3: optional map<string, i64> rows_deleted
}

struct TPingImpalaHS2ServiceReq {
  1: required TCLIService.TSessionHandle sessionHandle
}

struct TPingImpalaHS2ServiceResp {
  1: required TCLIService.TStatus status
  2: optional string version
  3: optional string webserver_address
  // The server's monotonic clock, in milliseconds.
  4: optional i64 timestamp
}

struct TCloseImpalaOperationReq {
  1: required TCLIService.TOperationHandle operationHandle
}

struct TCloseImpalaOperationResp {
  1: required TCLIService.TStatus status
  2: optional TDmlResult dml_result
}

struct TGetExecSummaryReq {
  1: optional TCLIService.TOperationHandle operationHandle
  2: optional TCLIService.TSessionHandle sessionHandle
  3: optional bool include_query_attempts = false
}

struct TGetExecSummaryResp {
  1: required TCLIService.TStatus status
  2: optional TExecSummary summary
  3: optional list<TExecSummary> failed_summaries
}

struct TGetRuntimeProfileReq {
  1: optional TCLIService.TOperationHandle operationHandle
  2: optional TCLIService.TSessionHandle sessionHandle
  3: optional TRuntimeProfileFormat format = TRuntimeProfileFormat.STRING
  4: optional bool include_query_attempts = false
}

struct TGetRuntimeProfileResp {
  1: required TCLIService.TStatus status
  2: optional string profile
  4: optional list<string> failed_profiles
}

service ImpalaHiveServer2Service extends TCLIService.TCLIService {
  TGetExecSummaryResp GetExecSummary(1:TGetExecSummaryReq req);
  TGetRuntimeProfileResp GetRuntimeProfile(1:TGetRuntimeProfileReq req);
  TPingImpalaHS2ServiceResp PingImpalaHS2Service(1:TPingImpalaHS2ServiceReq req);
  TCloseImpalaOperationResp CloseImpalaOperation(1:TCloseImpalaOperationReq req);
}
