/**
 * What the test coordinator says about itself.
 *
 * @module
 */

/** The version the coordinators report (GetInfo CLI_DBMS_VER, ping). */
export const IMPALA_VERSION = '4.4.0-impala-pool-testing';

/** What `SELECT version()` returns, in impalad's layout. */
export const VERSION_STRING = `impalad version ${IMPALA_VERSION} RELEASE (build impala-pool-testing)`;

/** The database every session starts in. */
export const DEFAULT_DATABASE = 'default';

/** First port of the emulated debug web servers (impalad's is 25000; one per coordinator). */
export const WEBSERVER_BASE_PORT = 25000;
