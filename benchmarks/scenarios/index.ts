/**
 * The registry of benchmark scenarios, by name.
 *
 * @module
 */
import type { Scenario } from '../harness/scenario.js';
import { ddlChains } from './ddl-chains.js';
import { failover } from './failover.js';
import { heterogeneous } from './heterogeneous.js';
import { hung } from './hung.js';
import { idle } from './idle.js';
import { openLoopScenario } from './open-loop.js';
import { overhead } from './overhead.js';
import { rtt } from './rtt.js';

/** Every scenario, in the order a run without `--scenario` runs them. */
// Those on the default three-coordinator cluster first: a run shares that cluster between them.
export const SCENARIOS: readonly Scenario[] = [overhead, heterogeneous, openLoopScenario, hung, failover, rtt, ddlChains, idle];
