/**
 * Running one Thrift binary-protocol request through the generated
 * ImpalaHiveServer2Service Processor, for both transports (TCP and HTTP).
 *
 * @module
 */
import type { service } from '../../wire/gen.js';
import { BinaryProtocol, inputProtocol, outputTransport } from '../../wire/thrift-codec.js';

/** A Processor made for one handler. */
export type Hs2Processor = InstanceType<typeof service.Processor>;

/**
 * Answers one whole request message: resolves with the reply message,
 * rejects when the bytes are not a request the Processor can read.
 */
export function processMessage(processor: Hs2Processor, msg: Buffer): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const output = new BinaryProtocol(outputTransport(resolve));
    output.writeDouble = writeExactDouble(output);
    try {
      processor.process(inputProtocol(msg), output);
    } catch (err) {
      reject(err);
    }
  });
}

/**
 * The thrift runtime's writeDouble tests `v < 0` for the sign bit, so -0 goes
 * out as 0. impalad's C++ Thrift writes the IEEE bits, and Impala keeps -0
 * through evaluation (NumericLiteral.isImpalaDouble leaves it unfolded), so a
 * DOUBLE -0 must reach clients as -0.
 */
function writeExactDouble(protocol: InstanceType<typeof BinaryProtocol>): (v: number) => void {
  const trans = (protocol as unknown as { trans: { write(b: Buffer): void } }).trans;
  return (v) => {
    const b = Buffer.allocUnsafe(8);
    b.writeDoubleBE(v);
    trans.write(b);
  };
}
