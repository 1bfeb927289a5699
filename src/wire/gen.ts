/**
 * The generated Thrift bindings (gen-thrift/, CommonJS) loaded into our ESM
 * code with their generated type declarations.
 *
 * @module
 * @internal
 */
import { createRequire } from 'node:module';
import type * as TCLITypes from '../../gen-thrift/TCLIService_types.js';
import type * as ImpalaTypes from '../../gen-thrift/ImpalaService_types.js';
import type * as ImpalaServiceModule from '../../gen-thrift/ImpalaHiveServer2Service.js';

// Relative to this file: src/wire -> gen-thrift, and dist/src/wire -> dist/gen-thrift.
const require = createRequire(import.meta.url);

/** TCLIService structs and enums (HiveServer2). */
export const tcli: typeof TCLITypes = require('../../gen-thrift/TCLIService_types.js');
/** Impala's HS2 extension structs and enums. */
export const impala: typeof ImpalaTypes = require('../../gen-thrift/ImpalaService_types.js');
/** ImpalaHiveServer2Service Client and Processor. */
export const service: typeof ImpalaServiceModule = require('../../gen-thrift/ImpalaHiveServer2Service.js');

export type { TCLITypes, ImpalaTypes };
