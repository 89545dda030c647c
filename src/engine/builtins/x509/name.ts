/**
 * Distinguished names as Go's crypto/x509 parses them (parseName, parseASN1String) and as
 * pkix.Name marshals to JSON (FillFromRDNSequence: the well-known attributes in their fields,
 * every attribute in Names, ExtraNames null).
 */
import { Der, DerError, latin1, TAG } from "./der.ts";

export interface AttributeTypeAndValue {
  Type: number[];
  Value: string;
}

export type GoName = {
  Country: string[] | null;
  Organization: string[] | null;
  OrganizationalUnit: string[] | null;
  Locality: string[] | null;
  Province: string[] | null;
  StreetAddress: string[] | null;
  PostalCode: string[] | null;
  SerialNumber: string;
  CommonName: string;
  Names: AttributeTypeAndValue[] | null;
  ExtraNames: null;
};

const utf8Fatal = new TextDecoder("utf-8", { fatal: true });

function isPrintable(b: number): boolean {
  return (b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a) || (b >= 0x30 && b <= 0x39) ||
    (b >= 0x27 && b <= 0x29) || (b >= 0x2b && b <= 0x2f) ||
    b === 0x20 || b === 0x3a || b === 0x3d || b === 0x3f || b === 0x2a || b === 0x26;
}

/** Go's parseASN1String: the string types X.509 names use, or an error. */
export function asn1String(tag: number, v: Uint8Array): string {
  switch (tag) {
    case TAG.T61String:
      return latin1(v); // read as Latin-1, as Go does
    case TAG.PrintableString:
      if (!v.every(isPrintable)) throw new DerError("invalid PrintableString");
      return latin1(v);
    case TAG.UTF8String:
      try {
        return utf8Fatal.decode(v);
      } catch {
        throw new DerError("invalid UTF-8 string");
      }
    case TAG.BMPString: {
      if (v.length % 2 !== 0) throw new DerError("invalid BMPString");
      let n = v.length;
      if (n >= 2 && v[n - 1] === 0 && v[n - 2] === 0) n -= 2;
      let s = "";
      for (let i = 0; i < n; i += 2) {
        const p = (v[i] << 8) | v[i + 1];
        if (p === 0xfffe || p === 0xffff || (p >= 0xfdd0 && p <= 0xfdef) || (p >= 0xd800 && p <= 0xdfff)) {
          throw new DerError("invalid BMPString");
        }
        s += String.fromCharCode(p);
      }
      return s;
    }
    case TAG.IA5String:
      if (!v.every((b) => b < 0x80)) throw new DerError("invalid IA5String");
      return latin1(v);
    case TAG.NumericString:
      if (!v.every((b) => (b >= 0x30 && b <= 0x39) || b === 0x20)) {
        throw new DerError("invalid NumericString");
      }
      return latin1(v);
  }
  throw new DerError(`unsupported string type: ${tag}`);
}

/** An RDNSequence (the element's raw bytes) as Go's pkix.Name JSON. */
export function parseName(raw: Uint8Array): GoName {
  const name: GoName = {
    Country: null,
    Organization: null,
    OrganizationalUnit: null,
    Locality: null,
    Province: null,
    StreetAddress: null,
    PostalCode: null,
    SerialNumber: "",
    CommonName: "",
    Names: null,
    ExtraNames: null,
  };
  const seq = Der.of(raw).read(TAG.SEQUENCE, "RDNSequence");
  const add = (field: keyof GoName, v: string) => {
    const list = (name[field] as string[] | null) ?? [];
    list.push(v);
    (name as Record<string, unknown>)[field] = list;
  };
  while (!seq.empty()) {
    const set = seq.read(TAG.SET, "RDNSequence");
    while (!set.empty()) {
      const atv = set.read(TAG.SEQUENCE, "RDNSequence: invalid attribute");
      const type = atv.oid("RDNSequence: invalid attribute type");
      const value = atv.any("RDNSequence: invalid attribute value");
      let text: string;
      try {
        text = asn1String(value.tag, value.body.rest());
      } catch (e) {
        throw new DerError(`invalid RDNSequence: invalid attribute value: ${(e as Error).message}`);
      }
      (name.Names ??= []).push({ Type: type, Value: text });
      if (type.length === 4 && type[0] === 2 && type[1] === 5 && type[2] === 4) {
        switch (type[3]) {
          case 3:
            name.CommonName = text;
            break;
          case 5:
            name.SerialNumber = text;
            break;
          case 6:
            add("Country", text);
            break;
          case 7:
            add("Locality", text);
            break;
          case 8:
            add("Province", text);
            break;
          case 9:
            add("StreetAddress", text);
            break;
          case 10:
            add("Organization", text);
            break;
          case 11:
            add("OrganizationalUnit", text);
            break;
          case 17:
            add("PostalCode", text);
            break;
        }
      }
    }
  }
  return name;
}
