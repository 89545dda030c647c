/**
 * Queries and schemas, valid and not, that the graphql built-ins are checked on against OPA
 * (graphql.test.ts replays the answers recorded in oracle_answers.json).
 */
export const SCHEMAS: Record<string, string> = {
  employee: `
    type Employee { id: String! salary: Int! manager: Employee }
    schema { query: Query }
    type Query { employeeByID(id: String!): Employee employees(first: Int = 10, after: ID): [Employee!]! }`,
  shop: `
    interface Node { id: ID! }
    type Product implements Node { id: ID! name: String price(currency: Currency = USD): Float tags: [String!] }
    type User implements Node { id: ID! email: String orders(status: Status): [Order] }
    type Order implements Node { id: ID! items: [Product!]! total: Float }
    union SearchResult = Product | User
    enum Currency { USD EUR }
    enum Status { OPEN SHIPPED }
    input OrderInput { productIds: [ID!]! note: String }
    type Query { node(id: ID!): Node search(term: String!): [SearchResult] me: User }
    type Mutation { placeOrder(input: OrderInput!): Order }`,
  extended: `
    extend type User { id: ID! }
    extend type Product { upc: String! }
    union _Entity = Product | User
    extend type Query { entity: _Entity }`,
  directives: `
    directive @auth(role: String!) on FIELD_DEFINITION | OBJECT
    type Query { secret: String @auth(role: "admin") open: String @deprecated(reason: "no") }`,
  oneof: `
    input Lookup @oneOf { id: ID email: String }
    type Query { find(by: Lookup!): String }`,
  empty: ``,
  noQuery: `type Thing { a: Int }`,
  // Invalid schemas.
  redeclared: `type Query { a: Int } type Query { b: Int }`,
  undefinedType: `type Query { a: Missing }`,
  badInterface: `interface I { a: Int } type Query implements I { b: Int }`,
  reservedName: `type Query { __a: Int }`,
  emptyEnumExt: `type Query { a: Int } extend enum E @deprecated`,
  badDirective: `type Query { a: Int @nope }`,
  badUnion: `type Query { a: U } union U = Query | String`,
  inputCycle: `input A { b: B! } input B { a: A! } type Query { f(a: A): Int }`,
  kindMismatch: `scalar S extend type S { a: Int } type Query { a: Int }`,
  twoSchemas: `schema { query: Query } schema { query: Query } type Query { a: Int }`,
  missingRoot: `schema { query: Root } type Query { a: Int }`,
  // Not parseable.
  syntax: `type Query { a: Int`,
  emptyBody: `type Query {}`,
};

export const QUERIES: Record<string, string> = {
  simple: `{ employeeByID(id: "alice") { salary } }`,
  nested: `query Q { employeeByID(id: "a") { id manager { id manager { salary } } } }`,
  variables: `query Q($id: String!) { employeeByID(id: $id) { id } }`,
  defaultArg: `{ employees { id } }`,
  listArg: `{ employees(first: 5, after: "x") { id } }`,
  alias: `{ boss: employeeByID(id: "b") { id } }`,
  fragment: `query { employeeByID(id: "a") { ...F } } fragment F on Employee { id salary }`,
  inline: `{ node(id: "1") { id ... on Product { name price(currency: EUR) } ... on User { email } } }`,
  union: `{ search(term: "x") { ... on Product { name } ... on User { email } } }`,
  mutation: `mutation { placeOrder(input: { productIds: ["1", "2"], note: "hi" }) { id total } }`,
  subscription: `subscription { me { id } }`,
  entity: `{ entity { ... on User { id } } }`,
  directive: `{ secret open }`,
  skip: `query($f: Boolean!) { employeeByID(id: "a") { id @skip(if: $f) } }`,
  oneofOk: `{ find(by: { id: "1" }) }`,
  oneofBad: `{ find(by: { id: "1", email: "e" }) }`,
  comments: `# leading\nquery Q { # inside\n  employeeByID(id: "a") { id } # trailing\n}`,
  introspection: `{ __schema { types { name } } }`,
  typename: `{ __typename }`,
  empty: ``,
  // Invalid against most schemas.
  unknownField: `{ nope }`,
  missingSelection: `{ employeeByID(id: "a") }`,
  missingArg: `{ employeeByID { id } }`,
  wrongArgType: `{ employeeByID(id: 5) { id } }`,
  bigInt: `{ employees(first: 3000000000) { id } }`,
  hugeInt: `{ employees(first: 99999999999999999999) { id } }`,
  floatForInt: `{ employees(first: 1.5) { id } }`,
  undefinedVar: `{ employeeByID(id: $nope) { id } }`,
  unusedVar: `query($x: Int) { employees { id } }`,
  unusedFragment: `{ employees { id } } fragment F on Employee { id }`,
  twoAnonymous: `{ employees { id } } { employees { id } }`,
  duplicateOp: `query A { employees { id } } query A { employees { id } }`,
  badEnum: `{ node(id: "1") { ... on Product { price(currency: GBP) } } }`,
  conflict: `{ employeeByID(id: "a") { x: id x: salary } }`,
  // Not parseable.
  unclosed: `{`,
  typeDef: `type Foo { a: Int }`,
  emptySelection: `{ }`,
  constVar: `query Q($x: Int = $y) { a }`,
};
