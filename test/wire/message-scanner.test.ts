import { describe, expect, it } from 'vitest';
import { service, tcli } from '../../src/wire/gen.js';
import { MessageReader } from '../../src/wire/message-reader.js';
import { MessageScanner } from '../../src/wire/message-scanner.js';
import { BinaryProtocol, inputProtocol, outputTransport } from '../../src/wire/thrift-codec.js';
import { MessageTooLargeError, ProtocolError } from '../../src/errors.js';

/** Encodes an ExecuteStatement call the way the generated client writes it. */
function encodeExecute(statement: string, overlay: Record<string, string> = {}): Buffer {
  let bytes: Buffer | undefined;
  const client = new service.Client(
    outputTransport((b) => (bytes = b)),
    BinaryProtocol,
  );
  const guid = Buffer.alloc(16, 7);
  void client.ExecuteStatement(
    new tcli.TExecuteStatementReq({
      sessionHandle: new tcli.TSessionHandle({ sessionId: new tcli.THandleIdentifier({ guid, secret: guid }) }),
      statement,
      confOverlay: overlay,
      runAsync: true,
    }),
  );
  return bytes!;
}

describe('MessageScanner', () => {
  it('finds the end of a message however it is chunked', () => {
    const msg = encodeExecute('SELECT 1', { MEM_LIMIT: '1g', SYNC_DDL: '1' });
    for (const chunk of [1, 2, 3, 7, 64, msg.length]) {
      const reader = new MessageReader(1 << 20);
      const got: Buffer[] = [];
      for (let i = 0; i < msg.length; i += chunk) got.push(...reader.push(msg.subarray(i, i + chunk)));
      expect(got.length, `chunk ${chunk}`).toBe(1);
      expect(got[0]!.equals(msg)).toBe(true);
    }
  });

  it('splits back-to-back messages and keeps the remainder', () => {
    const a = encodeExecute('SELECT 1');
    const b = encodeExecute('SELECT 2');
    const reader = new MessageReader(1 << 20);
    const both = Buffer.concat([a, b]);
    const got = reader.push(both.subarray(0, a.length + 5));
    expect(got.length).toBe(1);
    expect(reader.buffered).toBe(5);
    expect(reader.push(both.subarray(a.length + 5)).length).toBe(1);
  });

  it('decodes what it cut with the generated processor types', () => {
    const msg = encodeExecute('SELECT ünïcode');
    const proto = inputProtocol(msg);
    const header = proto.readMessageBegin();
    expect(header.fname).toBe('ExecuteStatement');
    const req = new tcli.TExecuteStatementReq() as InstanceType<typeof tcli.TExecuteStatementReq> & { read(p: unknown): void };
    proto.readStructBegin();
    proto.readFieldBegin();
    req.read(proto);
    expect(req.statement).toBe('SELECT ünïcode');
  });

  it.each([
    ['HTTP text', Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'), ProtocolError],
    ['a bad version word', Buffer.from([0x80, 0x02, 0, 1, 0, 0, 0, 1]), ProtocolError],
    [
      'an unknown field type',
      Buffer.concat([Buffer.from([0x80, 0x01, 0, 2, 0, 0, 0, 1, 0x41, 0, 0, 0, 1]), Buffer.from([99, 0, 1])]),
      ProtocolError,
    ],
    [
      'a 2 GB string',
      Buffer.concat([Buffer.from([0x80, 0x01, 0, 2, 0, 0, 0, 1, 0x41, 0, 0, 0, 1]), Buffer.from([11, 0, 1, 0x7f, 0xff, 0xff, 0xff])]),
      MessageTooLargeError,
    ],
    [
      'a negative list size',
      Buffer.concat([Buffer.from([0x80, 0x01, 0, 2, 0, 0, 0, 1, 0x41, 0, 0, 0, 1]), Buffer.from([15, 0, 1, 12, 0xff, 0xff, 0xff, 0xfe])]),
      ProtocolError,
    ],
  ])('rejects %s at once', (_name, bytes, type) => {
    const scanner = new MessageScanner({ maxMessageBytes: 1 << 20 });
    expect(() => scanner.scan(bytes)).toThrow(type);
  });

  it('rejects nesting deeper than the cap', () => {
    const head = Buffer.from([0x80, 0x01, 0, 2, 0, 0, 0, 1, 0x41, 0, 0, 0, 1]);
    const nest = Buffer.alloc(3 * 200);
    for (let i = 0; i < 200; i++) nest.set([12, 0, 1], i * 3);
    const scanner = new MessageScanner({ maxMessageBytes: 1 << 20 });
    expect(() => scanner.scan(Buffer.concat([head, nest]))).toThrow(/nested deeper/);
  });
});
