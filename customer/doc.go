// Package customer holds the types the GraphQL schema binds to: what the
// customer graph tells its clients, designed for them rather than copied
// from the REST bodies. Package upstream decodes each API's bodies into
// these types, in one mapping place per API, so a change of wire format
// changes no public type, and the schema changes only on purpose.
//
// It depends on nothing of the facade but its closed enums and scalars.
// The APIs move here one at a time; Accountholders is the first.
package customer
