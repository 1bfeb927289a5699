// The compiled sources import gen-thrift/ by a path relative to themselves
// (dist/src/... -> dist/gen-thrift), so the build puts a copy there.
import { cpSync } from 'node:fs';
cpSync('gen-thrift', 'dist/gen-thrift', { recursive: true });
