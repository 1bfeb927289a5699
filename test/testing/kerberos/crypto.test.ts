/**
 * The Kerberos crypto against published vectors: RFC 3961 n-fold, RFC 3962
 * AES-CTS and string-to-key, MIT's aes-sha1 encryption and checksum vectors,
 * and RFC 8009's aes-sha2 ones. Encryption is checked byte for byte by
 * recovering each vector's confounder and encrypting again with it.
 */
import { describe, expect, it } from 'vitest';
import {
  aesCtsDecrypt,
  aesCtsEncrypt,
  deriveKeyDk,
  getEnctype,
  kdfHmacSha2,
  KerberosAcceptError,
  nfold,
} from '../../../src/testing/kerberos/index.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('RFC 3961 A.1 n-fold', () => {
  it.each([
    ['012345', 64, 'be072631276b1955'],
    ['password', 56, '78a07b6caf85fa'],
    ['Rough Consensus, and Running Code', 64, 'bb6ed30870b7f0e0'],
    ['password', 168, '59e4a8ca7c0385c3c37b3f6d2000247cb6e6bd5b3e'],
    ['MASSACHVSETTS INSTITVTE OF TECHNOLOGY', 192, 'db3b0d8f0b061e603282b308a50841229ad798fab9540c1b'],
    ['Q', 168, '518a54a215a8452a518a54a215a8452a518a54a215'],
    ['ba', 168, 'fb25d531ae8974499f52fd92ea9857c4ba24cf297e'],
    ['kerberos', 64, '6b65726265726f73'],
    ['kerberos', 128, '6b65726265726f737b9b5b2b93132b93'],
    ['kerberos', 168, '8372c236344e5f1550cd0747e15d62ca7a5a3bcea4'],
    ['kerberos', 256, '6b65726265726f737b9b5b2b93132b935c9bdcdad95c9899c4cae4dee6d6cae4'],
  ])('%j folded to %i bits', (input, bits, expected) => {
    expect(nfold(Buffer.from(input, 'latin1'), bits / 8).toString('hex')).toBe(expected);
  });
});

describe('RFC 3962 Appendix B AES-CTS (key "chicken teriyaki", IV 0)', () => {
  const key = Buffer.from('chicken teriyaki', 'latin1');
  const input = Buffer.from("I would like the General Gau's Chicken, please, and wonton soup.", 'latin1');
  it.each([
    [17, 'c6353568f2bf8cb4d8a580362da7ff7f97'],
    [31, 'fc00783e0efdb2c1d445d4c8eff7ed2297687268d6ecccc0c07b25e25ecfe5'],
    [32, '39312523a78662d5be7fcbcc98ebf5a897687268d6ecccc0c07b25e25ecfe584'],
    [47, '97687268d6ecccc0c07b25e25ecfe584b3fffd940c16a18c1b5549d2f838029e39312523a78662d5be7fcbcc98ebf5'],
    [48, '97687268d6ecccc0c07b25e25ecfe5849dad8bbb96c4cdc03bc103e1a194bbd839312523a78662d5be7fcbcc98ebf5a8'],
    [
      64,
      '97687268d6ecccc0c07b25e25ecfe58439312523a78662d5be7fcbcc98ebf5a84807efe836ee89a526730dbc2f7bc8409dad8bbb96c4cdc03bc103e1a194bbd8',
    ],
  ])('%i bytes encrypt to the vector and decrypt back', (n, expected) => {
    const plain = input.subarray(0, n);
    expect(aesCtsEncrypt(key, Buffer.alloc(16), plain).toString('hex')).toBe(expected);
    expect(aesCtsDecrypt(key, Buffer.alloc(16), hex(expected)).equals(plain)).toBe(true);
  });

  it('round-trips every length from one block to five, with AES-256 too', () => {
    const key256 = Buffer.alloc(32, 7);
    for (let n = 16; n <= 80; n++) {
      const plain = Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff));
      for (const k of [key, key256]) {
        const c = aesCtsEncrypt(k, Buffer.alloc(16), plain);
        expect(c.length).toBe(n);
        expect(aesCtsDecrypt(k, Buffer.alloc(16), c).equals(plain)).toBe(true);
      }
    }
  });
});

describe('string-to-key', () => {
  const X64 = 'X'.repeat(64);
  it.each([
    [
      'password',
      'ATHENA.MIT.EDUraeburn',
      1,
      '42263c6e89f4fc28b8df68ee09799f15',
      'fe697b52bc0d3ce14432ba036a92e65bbb52280990a2fa27883998d72af30161',
    ],
    [
      'password',
      'ATHENA.MIT.EDUraeburn',
      2,
      'c651bf29e2300ac27fa469d693bdda13',
      'a2e16d16b36069c135d5e9d2e25f896102685618b95914b467c67622225824ff',
    ],
    [
      'password',
      'ATHENA.MIT.EDUraeburn',
      1200,
      '4c01cd46d632d01e6dbe230a01ed642a',
      '55a6ac740ad17b4846941051e1e8b0a7548d93b0ab30a8bc3ff16280382b8c2a',
    ],
    [
      'password',
      hex('1234567878563412'),
      5,
      'e9b23d52273747dd5c35cb55be619d8e',
      '97a4e786be20d81a382d5ebc96d5909cabcdadc87ca48f574504159f16c36e31',
    ],
    [
      X64,
      'pass phrase equals block size',
      1200,
      '59d1bb789a828b1aa54ef9c2883f69ed',
      '89adee3608db8bc71f1bfbfe459486b05618b70cbae22092534e56c553ba4b34',
    ],
    [
      `${X64}X`,
      'pass phrase exceeds block size',
      1200,
      'cb8005dc5f90179a7f02104c0018751d',
      'd78c5c9cb872a8c9dad4697f0bb5b2d21496c82beb2caeda2112fceea057401b',
    ],
    [
      '\u{1D11E}',
      'EXAMPLE.COMpianist',
      50,
      'f149c1f2e154a73452d43e7fe62a56e5',
      '4b6d9839f84406df1f09cc166db4b83c571848b784a3d6bdc346589a3e393f9e',
    ],
  ])('RFC 3962 B: %j with %j, %i iterations', (password, salt, iterations, k128, k256) => {
    expect(getEnctype(17).stringToKey(password, salt, iterations).toString('hex')).toBe(k128);
    expect(getEnctype(18).stringToKey(password, salt, iterations).toString('hex')).toBe(k256);
  });

  it.each([
    [19, '089bca48b105ea6ea77ca5d2f39dc5e7'],
    [20, '45bd806dbf6a833a9cffc1c94589a222367a79bc21c413718906e9f578a78467'],
  ])('RFC 8009 A: enctype %i from "password"', (etype, expected) => {
    const salt = Buffer.concat([hex('10df9dd783e5bc8acea1730e74355f61'), Buffer.from('ATHENA.MIT.EDUraeburn')]);
    expect(getEnctype(etype).stringToKey('password', salt, 32768).toString('hex')).toBe(expected);
  });
});

/** Recovers the confounder of a vector so encryption can be checked exactly. */
function confounderOf(etype: number, key: Buffer, usage: number, cipher: Buffer): Buffer {
  const usageBytes = Buffer.alloc(5);
  usageBytes.writeUInt32BE(usage, 0);
  usageBytes[4] = 0xaa;
  const e = getEnctype(etype);
  const ke = etype <= 18 ? deriveKeyDk(key, usageBytes) : kdfHmacSha2(etype === 19 ? 'sha256' : 'sha384', key, usageBytes, e.keyBytes * 8);
  return aesCtsDecrypt(ke, Buffer.alloc(16), cipher.subarray(0, cipher.length - e.checksumBytes)).subarray(0, 16);
}

describe('encryption vectors (MIT t_decrypt for 17/18, RFC 8009 A for 19/20)', () => {
  const K19 = '3705d96080c17728a0e800eab6e0d23c';
  const K20 = '6d404d37faf79f9df0d33568d320669800eb4836472ea8a026d16b7182460c52';
  const BYTES21 = '000102030405060708090a0b0c0d0e0f1011121314';
  it.each([
    [17, '', 0, '5a5c0f0ba54f3828b2195e66ca24a289', '49ff8e11c173d9583a3254fbe7b1f1df36c538e8416784a1672e6676'],
    [17, '31', 1, '98450e3f3baa13f5c99beb936981b06f', 'f86742f537b35dc2174a4dbaa920faf9042090b065e1ebb1cad9a65394'],
    [
      17,
      '392062797465737373',
      2,
      '9062430c8cda3388922e6d6a509f5b7a',
      '68fb9679601f45c78857b2bf820fd6e53eca8d42fd4b1d7024a09205abb7cd2ec26c355d2f',
    ],
    [
      18,
      '',
      0,
      '17f275f2954f2ed1f90c377ba7f4d6a369aa0136e0bf0c927ad6133c693759a9',
      'e5094c55ee7b38262e2b044280b069379a95bf95bd8376fb3281b435',
    ],
    [
      18,
      '31',
      1,
      'b9477e1ff0329c0050e20ce6c72d2dff27e8fe541ab0954429a9cb5b4f7b1e2a',
      '406150b97aeb76d43b36b62cc1ecdfbe6f40e95755e0beb5c27825f3a4',
    ],
    [19, '', 2, K19, 'ef85fb890bb8472f4dab20394dca781dad877eda39d50c870c0d5a0a8e48c718'],
    [19, '000102030405', 2, K19, '84d7f30754ed987bab0bf3506beb09cfb55402cef7e6877ce99e247e52d16ed4421dfdf8976c'],
    [19, BYTES21, 2, K19, '720f73b18d9859cd6ccb4346115cd336c70f58edc0c4437c5573544c31c813bce1e6d072c186b39a413c2f92ca9b8334a287ffcbfc'],
    [20, '', 2, K20, '41f53fa5bfe7026d91faf9be959195a058707273a96a40f0a01960621ac612748b9bbfbe7eb4ce3c'],
    [
      20,
      BYTES21,
      2,
      K20,
      '40013e2df58e8751957d2878bcd2d6fe101ccfd556cb1eae79db3c3ee86429f2b2a602ac86fef6ecb647d6295fae077a1feb517508d2c16b4192e01f62',
    ],
  ])('enctype %i, plaintext %j (hex), usage %i', (etype, plainHex, usage, keyHex, cipherHex) => {
    const e = getEnctype(etype);
    const key = hex(keyHex);
    const cipher = hex(cipherHex);
    const expectedPlain = hex(plainHex);
    expect(e.decrypt(key, usage, cipher).equals(expectedPlain)).toBe(true);
    expect(e.encrypt(key, usage, expectedPlain, confounderOf(etype, key, usage, cipher)).toString('hex')).toBe(cipherHex);
  });

  it.each([17, 18, 19, 20])('enctype %i refuses a ciphertext with any bit flipped (integrity)', (etype) => {
    const e = getEnctype(etype);
    const key = Buffer.alloc(e.keyBytes, 0x42);
    const cipher = e.encrypt(key, 7, Buffer.from('a secret message'));
    for (let i = 0; i < cipher.length; i += 5) {
      const bad = Buffer.from(cipher);
      bad[i]! ^= 0x01;
      expect(() => e.decrypt(key, 7, bad)).toThrow(expect.objectContaining({ reason: 'integrity' }));
    }
    expect(() => e.decrypt(key, 8, cipher)).toThrow(KerberosAcceptError);
    expect(e.decrypt(key, 7, cipher).toString()).toBe('a secret message');
  });
});

describe('checksum vectors (MIT t_cksums, RFC 8009 A)', () => {
  it.each([
    [17, 3, '9062430c8cda3388922e6d6a509f5b7a', Buffer.from('eight nine ten eleven twelve thirteen'), '01a4b088d45628f6946614e3'],
    [18, 4, 'b1ae4cd8462aff1677053cc9279aac30b796fb81ce21474dd3ddbcfea4ec76d7', Buffer.from('fourteen'), 'e08739e3279e2903ec8e3836'],
    [19, 2, '3705d96080c17728a0e800eab6e0d23c', hex('000102030405060708090a0b0c0d0e0f1011121314'), 'd78367186643d67b411cba9139fc1dee'],
    [
      20,
      2,
      '6d404d37faf79f9df0d33568d320669800eb4836472ea8a026d16b7182460c52',
      hex('000102030405060708090a0b0c0d0e0f1011121314'),
      '45ee791567eefca37f4ac1e0222de80d43c3bfa06699672a',
    ],
  ])('enctype %i, usage %i', (etype, usage, key, data, expected) => {
    expect(getEnctype(etype).checksum(hex(key), usage, data).toString('hex')).toBe(expected);
  });
});

describe('enctypes it does not do', () => {
  it.each([
    [23, /arcfour-hmac \(rc4\) is not supported/],
    [16, /des3-cbc-sha1 is not supported/],
    [99, /enctype 99 is not supported/],
  ])('enctype %i is refused as unsupported-enctype', (etype, message) => {
    expect(() => getEnctype(etype)).toThrow(
      expect.objectContaining({ reason: 'unsupported-enctype', message: expect.stringMatching(message) }),
    );
  });
});
