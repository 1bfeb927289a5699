/**
 * Encoding and decoding single Thrift binary-protocol messages in memory,
 * using the thrift runtime's protocol with generated structs. Sockets are ours
 * (see the hs2 and testing layers), so caps and deadlines stay in our hands.
 *
 * @module
 * @internal
 */
import thrift from 'thrift';

type Protocol = InstanceType<typeof thrift.TBinaryProtocol>;
type Transport = InstanceType<typeof thrift.TBufferedTransport>;

/** The protocol class generated clients and processors are given. */
export const BinaryProtocol = thrift.TBinaryProtocol;

/**
 * An output transport: generated code writes into it and calls flush(); each
 * flush hands the whole message to `onMessage`.
 */
export function outputTransport(onMessage: (bytes: Buffer) => void): Transport {
  return new thrift.TBufferedTransport(undefined, (msg?: Buffer) => {
    if (msg) onMessage(msg);
  });
}

/** A protocol reading one complete message held in `bytes`. */
export function inputProtocol(bytes: Buffer): Protocol {
  const trans = new thrift.TBufferedTransport() as Transport & { inBuf: Buffer; readCursor: number; writeCursor: number };
  trans.inBuf = bytes;
  trans.readCursor = 0;
  trans.writeCursor = bytes.length;
  return new thrift.TBinaryProtocol(trans);
}

/** A message header as the binary protocol reads it. */
export interface MessageHeader {
  fname: string;
  mtype: number;
  rseqid: number;
}

/** Thrift message types. */
export const MessageType = thrift.Thrift.MessageType;
