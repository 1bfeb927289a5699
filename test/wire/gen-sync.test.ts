/** gen-thrift/ must be exactly what thrift-compiler makes of thrift/. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { requireTool } from '../support/system-tool.js';

describe('generated bindings', () => {
  if (requireTool('thrift', 'thrift-compiler')) {
    it('gen-thrift/ is in sync with thrift/*.thrift', () => {
      const out = execFileSync('bash', ['scripts/gen-thrift.sh', '--check'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect(out).toContain('in sync');
    });
  }
});
