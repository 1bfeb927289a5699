/**
 * A column's type as HS2 describes it (TTypeDesc) in result-set metadata.
 * Apart from impala-types.ts because the public API's declarations reach that
 * file, and this one names the generated Thrift types.
 *
 * @module
 */
import { tcli, type TCLITypes } from '../../wire/gen.js';
import { TYPE_IDS } from '../../wire/type-ids.js';
import type { ImpalaType } from '../impala-types.js';

/** The HS2 type descriptor of a column, with Impala's qualifiers. */
export function typeDesc(t: ImpalaType): TCLITypes.TTypeDesc {
  const qualifiers: Record<string, TCLITypes.TTypeQualifierValue> = {};
  if (t.name === 'DECIMAL') {
    qualifiers.precision = new tcli.TTypeQualifierValue({ i32Value: t.precision ?? 9 });
    qualifiers.scale = new tcli.TTypeQualifierValue({ i32Value: t.scale ?? 0 });
  } else if ((t.name === 'VARCHAR' || t.name === 'CHAR') && t.length !== undefined) {
    qualifiers.characterMaximumLength = new tcli.TTypeQualifierValue({ i32Value: t.length });
  }
  const primitiveEntry = new tcli.TPrimitiveTypeEntry({
    type: TYPE_IDS[t.name],
    ...(Object.keys(qualifiers).length > 0 ? { typeQualifiers: new tcli.TTypeQualifiers({ qualifiers }) } : {}),
  });
  return new tcli.TTypeDesc({ types: [new tcli.TTypeEntry({ primitiveEntry })] });
}
