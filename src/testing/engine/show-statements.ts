/**
 * SHOW CREATE TABLE, SHOW PARTITIONS, SHOW TABLE STATS, SHOW COLUMN STATS,
 * SHOW FUNCTIONS, DESCRIBE FORMATTED and COMPUTE STATS, answered from
 * the catalog notes and DuckDB, with impalad's result columns
 * (FeFsTable.buildTableStatsSchema, Frontend.doGetColumnStats,
 * CatalogOpExecutor's COMPUTE STATS summary).
 *
 * @module
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Catalog } from '../catalog/catalog.js';
import { fixedExecution, type Execution } from './execution.js';
import { analysisError } from '../impala-errors.js';
import { formatImpalaType, impalaType, type ImpalaType } from '../impala-types.js';
import { StaticRowSource } from './row-source.js';
import type { ResultColumn } from '../hs2/row-set.js';
import { computeStats, partitionRows, unknownColumnStats } from '../catalog/table-stats.js';
import type { DeclaredColumn, ShowPlan } from '../sql/statement-plan.js';
import type { TableRef } from '../sql/token-cursor.js';

const STRING = impalaType('STRING');
const BIGINT = impalaType('BIGINT');
const col = (name: string, type: ImpalaType = STRING): ResultColumn => ({ name, type });

/** Where the test cluster says a table lives (it has no files). */
export function tableLocation(ref: TableRef): string {
  return `hdfs://localhost:20500/test-warehouse/${ref.db === 'default' ? '' : `${ref.db}.db/`}${ref.table}`;
}

interface TableShape {
  columns: DeclaredColumn[];
  keys: string[];
}

/** Declared columns (DuckDB's where none were noted) and partition keys of an existing table. */
async function shape(catalog: Catalog, conn: DuckDBConnection, ref: TableRef): Promise<TableShape> {
  const kind = await catalog.tableKind(conn, ref);
  if (!kind) {
    await catalog.verify(conn, [{ type: 'table-exists', ref }]);
  }
  const note = catalog.notes.get(ref);
  const columns = note ? note.columns : (await catalog.describe(conn, ref)).map((c) => ({ name: c.name, type: c.type }));
  return { columns, keys: note ? note.partitionColumns : [] };
}

/** Runs one of the statements above. */
export async function executeShow(catalog: Catalog, conn: DuckDBConnection, plan: ShowPlan): Promise<Execution> {
  const tables = 'ref' in plan ? [`${plan.ref.db}.${plan.ref.table}`] : [];
  const rows = (columns: ResultColumn[], data: unknown[][]): Execution =>
    fixedExecution('query', columns, new StaticRowSource(data), tables);
  if (plan.type === 'show-functions') {
    await catalog.verify(conn, [{ type: 'db-exists', db: plan.db }]);
    // User-defined functions cannot be created here, so a database has none.
    return rows([col('return type'), col('signature'), col('binary type'), col('is persistent')], []);
  }
  const { ref } = plan;
  const { columns, keys } = await shape(catalog, conn, ref);
  const data = columns.filter((c) => !keys.includes(c.name));
  const stats = catalog.notes.statsOf(ref);
  switch (plan.type) {
    case 'show-create-table': {
      if ((await catalog.tableKind(conn, ref)) === 'view')
        throw analysisError('SHOW CREATE TABLE of a view is not supported by the impala-pool test cluster');
      const list = (cs: DeclaredColumn[]): string => cs.map((c) => `  ${c.name} ${formatImpalaType(c.type)}`).join(',\n');
      const parts = [`CREATE EXTERNAL TABLE ${ref.db}.${ref.table} (\n${list(data)}\n)`];
      if (keys.length > 0) parts.push(`PARTITIONED BY (\n${list(columns.filter((c) => keys.includes(c.name)))}\n)`);
      parts.push(
        'STORED AS TEXTFILE',
        `LOCATION '${tableLocation(ref)}'`,
        "TBLPROPERTIES ('TRANSLATED_TO_EXTERNAL'='TRUE', 'external.table.purge'='TRUE')",
      );
      return rows([col('result')], [[parts.join('\n')]]);
    }
    case 'show-partitions':
    case 'show-table-stats': {
      if (plan.type === 'show-partitions' && keys.length === 0) throw analysisError(`Table is not partitioned: ${ref.db}.${ref.table}`);
      const header = [
        ...keys.map((k) => col(k)),
        col('#Rows', BIGINT),
        col('#Files', BIGINT),
        col('Size'),
        col('Bytes Cached'),
        col('Cache Replication'),
        col('Format'),
        col('Incremental stats'),
        col('Location'),
        col('EC Policy'),
      ];
      const parts = await partitionRows(conn, ref, keys);
      const out: unknown[][] = parts.map(([values, n]) => {
        const counted = stats?.rows.get(JSON.stringify(values));
        const path = keys.map((k, i) => `/${k}=${values[i]}`).join('');
        return [
          ...values,
          BigInt(counted ?? -1),
          BigInt(n > 0 ? 1 : 0),
          '0B',
          'NOT CACHED',
          'NOT CACHED',
          'TEXT',
          'false',
          `${tableLocation(ref)}${path}`,
          'NONE',
        ];
      });
      if (keys.length === 0 && out.length === 0)
        out.push([-1n, 0n, '0B', 'NOT CACHED', 'NOT CACHED', 'TEXT', 'false', tableLocation(ref), 'NONE']);
      if (keys.length > 0) {
        const total = stats ? [...stats.rows.values()].reduce((a, b) => a + b, 0) : -1;
        out.push([
          'Total',
          ...keys.slice(1).map(() => ''),
          BigInt(total),
          BigInt(parts.filter(([, n]) => n > 0).length),
          '0B',
          '0B',
          '',
          '',
          '',
          '',
          '',
        ]);
      }
      return rows(header, out);
    }
    case 'show-column-stats': {
      const header = [
        col('Column'),
        col('Type'),
        col('#Distinct Values', BIGINT),
        col('#Nulls', BIGINT),
        col('Max Size', BIGINT),
        col('Avg Size', impalaType('DOUBLE')),
        col('#Trues', BIGINT),
        col('#Falses', BIGINT),
      ];
      const out = columns.map((c) => {
        const s = stats?.columns.get(c.name) ?? unknownColumnStats(c.type);
        return [
          c.name,
          formatImpalaType(c.type),
          BigInt(s.ndv),
          BigInt(s.nulls),
          BigInt(s.maxSize),
          s.avgSize,
          BigInt(s.trues),
          BigInt(s.falses),
        ];
      });
      return rows(header, out);
    }
    case 'describe-formatted':
      return rows(
        [col('name'), col('type'), col('comment')],
        describeFormatted(ref, columns, keys, (await catalog.tableKind(conn, ref)) === 'view'),
      );
    case 'compute-stats': {
      const computed = await computeStats(conn, ref, columns, keys);
      catalog.notes.setStats(ref, computed);
      const partitions = keys.length === 0 ? 1 : computed.rows.size;
      return fixedExecution(
        'ddl',
        [col('summary')],
        new StaticRowSource([[`Updated ${partitions} partition(s) and ${data.length} column(s).`]]),
        tables,
      );
    }
  }
}

/** DESCRIBE FORMATTED's rows: columns, partition keys, then table and storage facts (Hive's layout). */
function describeFormatted(ref: TableRef, columns: DeclaredColumn[], keys: string[], view: boolean): unknown[][] {
  const lower = (t: ImpalaType): string => formatImpalaType(t).toLowerCase();
  const out: unknown[][] = [
    ['# col_name', 'data_type', 'comment'],
    ['', null, null],
  ];
  for (const c of columns.filter((x) => !keys.includes(x.name))) out.push([c.name, lower(c.type), null]);
  if (keys.length > 0) {
    out.push(['', null, null], ['# Partition Information', null, null], ['# col_name', 'data_type', 'comment'], ['', null, null]);
    for (const c of columns.filter((x) => keys.includes(x.name))) out.push([c.name, lower(c.type), null]);
  }
  out.push(
    ['', null, null],
    ['# Detailed Table Information', null, null],
    ['Database:', ref.db, null],
    ['OwnerType:', 'USER', null],
    ['LastAccessTime:', 'UNKNOWN', null],
    ['Retention:', '0', null],
  );
  if (!view) out.push(['Location:', tableLocation(ref), null]);
  out.push(['Table Type:', view ? 'VIRTUAL_VIEW' : 'EXTERNAL_TABLE', null]);
  if (!view) {
    out.push(
      ['', null, null],
      ['# Storage Information', null, null],
      ['SerDe Library:', 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe', null],
      ['InputFormat:', 'org.apache.hadoop.mapred.TextInputFormat', null],
      ['OutputFormat:', 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat', null],
      ['Compressed:', 'No', null],
    );
  }
  return out;
}
