/**
 * Finds where one Thrift binary-protocol message ends, without decoding it.
 *
 * The buffered (unframed) transport gives no length prefix, so a reader must
 * walk the message's structure to know when it has all of it. The walk is
 * resumable: when bytes run out it keeps its place, and the next chunk
 * continues from there, so a large answer arriving in many chunks costs one
 * walk, not one per chunk. It also rejects garbage early (unknown type ids,
 * negative sizes, absurd lengths, nesting deeper than any HS2 message) instead
 * of waiting for bytes that will never come.
 *
 * @module
 * @internal
 */
import { MessageTooLargeError, ProtocolError } from '../errors.js';

const T_STOP = 0;
const T_BOOL = 2;
const T_BYTE = 3;
const T_DOUBLE = 4;
const T_I16 = 6;
const T_I32 = 8;
const T_I64 = 10;
const T_STRING = 11;
const T_STRUCT = 12;
const T_MAP = 13;
const T_SET = 14;
const T_LIST = 15;
const T_UUID = 16;

const VERSION_MASK = 0xffff0000 | 0;
const VERSION_1 = 0x80010000 | 0;

/** Width in bytes of fixed-size types; 0 for variable-size ones. */
function fixedWidth(type: number): number {
  switch (type) {
    case T_BOOL:
    case T_BYTE:
      return 1;
    case T_I16:
      return 2;
    case T_I32:
      return 4;
    case T_DOUBLE:
    case T_I64:
      return 8;
    case T_UUID:
      return 16;
    default:
      return 0;
  }
}

function isKnownType(type: number): boolean {
  return fixedWidth(type) > 0 || type === T_STRING || type === T_STRUCT || type === T_MAP || type === T_SET || type === T_LIST;
}

const enum Kind {
  Header,
  Value,
  Struct,
  Seq,
  Map,
}

interface Frame {
  kind: Kind;
  /** Value: the type to consume. Seq: element type. Map: key type. */
  type: number;
  /** Map: value type. */
  type2: number;
  /** Seq/Map: items (map: keys + values) left. */
  left: number;
}

/** Limits a scanner enforces. */
export interface ScanLimits {
  /** Largest message accepted, in bytes. */
  maxMessageBytes: number;
  /** Deepest nesting of structs/containers accepted. */
  maxDepth?: number;
}

/**
 * Walks one message at the start of a growing buffer. Call {@link scan} with
 * the whole buffer each time it grows; it returns the message length once the
 * message is complete and `undefined` until then.
 */
export class MessageScanner {
  private pos = 0;
  private readonly stack: Frame[] = [{ kind: Kind.Header, type: 0, type2: 0, left: 0 }];
  private readonly maxBytes: number;
  private readonly maxDepth: number;

  /** @param limits - size and depth caps */
  constructor(limits: ScanLimits) {
    this.maxBytes = limits.maxMessageBytes;
    this.maxDepth = limits.maxDepth ?? 64;
  }

  /**
   * Continues the walk over `buf[0..length)`.
   *
   * @returns the total message length when complete, else `undefined`
   * @throws ProtocolError for bytes that cannot be a Thrift message
   * @throws MessageTooLargeError when the message would exceed the cap
   */
  scan(buf: Buffer, length = buf.length): number | undefined {
    const stack = this.stack;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const avail = length - this.pos;
      switch (top.kind) {
        case Kind.Header: {
          if (avail < 4) return undefined;
          const word = buf.readInt32BE(this.pos);
          let nameLen: number;
          let headerLen: number;
          if (word < 0) {
            if ((word & VERSION_MASK) !== VERSION_1) {
              throw new ProtocolError(`not a Thrift binary message (first bytes 0x${(word >>> 0).toString(16).padStart(8, '0')})`);
            }
            if (avail < 8) return undefined;
            nameLen = buf.readInt32BE(this.pos + 4);
            this.checkSize(nameLen, 'method name');
            if (nameLen > 256) throw new ProtocolError(`method name of ${nameLen} bytes is not plausible`);
            headerLen = 8 + nameLen + 4;
          } else {
            // Old non-strict header: name length first, then a type byte.
            nameLen = word;
            if (nameLen > 256) {
              throw new ProtocolError(`not a Thrift binary message (first bytes 0x${word.toString(16).padStart(8, '0')})`);
            }
            headerLen = 4 + nameLen + 1 + 4;
          }
          if (avail < headerLen) return undefined;
          this.pos += headerLen;
          top.kind = Kind.Struct;
          break;
        }
        case Kind.Struct: {
          if (avail < 1) return undefined;
          const ftype = buf[this.pos]!;
          if (ftype === T_STOP) {
            this.pos += 1;
            stack.pop();
            break;
          }
          if (avail < 3) return undefined;
          if (!isKnownType(ftype)) throw new ProtocolError(`unknown Thrift field type ${ftype}`);
          this.pos += 3;
          this.push({ kind: Kind.Value, type: ftype, type2: 0, left: 0 });
          break;
        }
        case Kind.Seq: {
          if (top.left === 0) {
            stack.pop();
            break;
          }
          top.left -= 1;
          this.push({ kind: Kind.Value, type: top.type, type2: 0, left: 0 });
          break;
        }
        case Kind.Map: {
          if (top.left === 0) {
            stack.pop();
            break;
          }
          const type = top.left % 2 === 0 ? top.type : top.type2;
          top.left -= 1;
          this.push({ kind: Kind.Value, type, type2: 0, left: 0 });
          break;
        }
        case Kind.Value: {
          if (this.value(top, buf, avail) === undefined) return undefined;
          break;
        }
      }
      if (this.pos > this.maxBytes) this.tooLarge(this.pos);
    }
    return this.pos;
  }

  /** Consumes (part of) a value; returns undefined when more bytes are needed. */
  private value(top: Frame, buf: Buffer, avail: number): true | undefined {
    const width = fixedWidth(top.type);
    if (width > 0) {
      if (avail < width) return undefined;
      this.pos += width;
      this.stack.pop();
      return true;
    }
    switch (top.type) {
      case T_STRING: {
        if (avail < 4) return undefined;
        const len = buf.readInt32BE(this.pos);
        this.checkSize(len, 'string');
        if (avail < 4 + len) return undefined;
        this.pos += 4 + len;
        this.stack.pop();
        return true;
      }
      case T_STRUCT:
        top.kind = Kind.Struct;
        return true;
      case T_LIST:
      case T_SET: {
        if (avail < 5) return undefined;
        const etype = buf[this.pos]!;
        const size = buf.readInt32BE(this.pos + 1);
        if (!isKnownType(etype)) throw new ProtocolError(`unknown Thrift element type ${etype}`);
        this.checkSize(size, 'list');
        const ew = fixedWidth(etype);
        if (ew > 0) {
          const total = 5 + size * ew;
          this.checkSize(total, 'list');
          if (avail < total) return undefined;
          this.pos += total;
          this.stack.pop();
          return true;
        }
        this.pos += 5;
        top.kind = Kind.Seq;
        top.type = etype;
        top.left = size;
        return true;
      }
      case T_MAP: {
        if (avail < 6) return undefined;
        const ktype = buf[this.pos]!;
        const vtype = buf[this.pos + 1]!;
        const size = buf.readInt32BE(this.pos + 2);
        this.checkSize(size, 'map');
        if (size > 0 && (!isKnownType(ktype) || !isKnownType(vtype))) {
          throw new ProtocolError(`unknown Thrift map types ${ktype}/${vtype}`);
        }
        const kw = fixedWidth(ktype);
        const vw = fixedWidth(vtype);
        if (kw > 0 && vw > 0) {
          const total = 6 + size * (kw + vw);
          this.checkSize(total, 'map');
          if (avail < total) return undefined;
          this.pos += total;
          this.stack.pop();
          return true;
        }
        this.pos += 6;
        top.kind = Kind.Map;
        top.type = ktype;
        top.type2 = vtype;
        top.left = size * 2;
        return true;
      }
      default:
        throw new ProtocolError(`unknown Thrift type ${top.type}`);
    }
  }

  private push(frame: Frame): void {
    if (this.stack.length > this.maxDepth) {
      throw new ProtocolError(`Thrift message nested deeper than ${this.maxDepth} levels`);
    }
    this.stack.push(frame);
  }

  private checkSize(size: number, what: string): void {
    if (size < 0) throw new ProtocolError(`negative ${what} size ${size}`);
    if (this.pos + size > this.maxBytes) this.tooLarge(this.pos + size);
  }

  private tooLarge(bytes: number): never {
    throw new MessageTooLargeError(`server message of at least ${bytes} bytes exceeds maxMessageBytes (${this.maxBytes})`);
  }
}
