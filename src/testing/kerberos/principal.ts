/**
 * Kerberos principal names as text: `service/host@REALM`, with `\`
 * escaping a literal `/`, `@` or `\` inside a component, as MIT's
 * krb5_unparse_name writes them.
 *
 * @module
 */

/** A principal split into its parts. */
export interface PrincipalParts {
  /** Name components, e.g. `['impala', 'host1.example.com']`. */
  components: string[];
  /** Realm; undefined when the text had none. */
  realm: string | undefined;
}

const escape = (s: string): string => s.replace(/[\\/@]/g, (c) => `\\${c}`);

/** Formats components and realm as `a/b@REALM`. */
export function formatPrincipal(components: readonly string[], realm: string): string {
  return `${components.map(escape).join('/')}@${escape(realm)}`;
}

/** Splits `a/b@REALM` (realm optional) into components and realm. */
export function parsePrincipal(text: string): PrincipalParts {
  const components: string[] = [];
  let current = '';
  let inRealm = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      current += text[++i];
    } else if (!inRealm && (c === '/' || c === '@')) {
      components.push(current);
      current = '';
      inRealm = c === '@';
    } else {
      current += c;
    }
  }
  if (!inRealm) components.push(current);
  return { components, realm: inRealm ? current : undefined };
}

/**
 * The short name Impala derives from a principal with its default
 * auth_to_local rule: the first component (`alice@R` and `alice/admin@R`
 * both give `alice`).
 */
export function shortName(principal: string): string {
  return parsePrincipal(principal).components[0] ?? '';
}
