/**
 * Generated request paths for property tests (fast-check): segments mixing dots, escaped dots and
 * slashes, backslashes, controls, non-ASCII, characters to escape and plain text, mostly benign so
 * that about half of them are accepted by the normaliser. Test-only.
 */
import fc from "npm:fast-check@^4";

const hostilePieces = fc.constantFrom(
  "%2f",
  "%2F",
  "%5c",
  "\\",
  "%00",
  "%09",
  "\t",
  "\r",
  "\n",
  "%7f",
  "é",
  "..;",
  ";",
  "%3b",
  "%",
  "%g1",
);

const benignPieces = fc.constantFrom(
  ".",
  "..",
  "%2e",
  "%2E",
  "%2e%2e",
  ".%2e",
  "%c3%a9",
  "%41",
  "%7e",
  "%25",
  "%3d",
  "{",
  "|",
  "^",
  "[",
  "a",
  "admin",
  "api",
  "x",
  "-",
  "~",
  ":",
  "@",
  "",
);

export const pathPiece = fc.oneof({ arbitrary: benignPieces, weight: 30 }, {
  arbitrary: hostilePieces,
  weight: 1,
});

export const pathSegment = fc.array(pathPiece, { maxLength: 4 }).map((p) => p.join(""));

/** "/" + segments; `first` fixes the leading segments (e.g. a route prefix). */
export function rawPath(first: fc.Arbitrary<string> = fc.constant("")): fc.Arbitrary<string> {
  return fc.tuple(first, fc.array(pathSegment, { minLength: 1, maxLength: 7 })).map(([head, rest]) =>
    (head === "" ? "" : head) + "/" + rest.join("/")
  );
}
