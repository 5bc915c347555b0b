// Package model holds the GraphQL types that are not upstream bodies.
package model

// Customer is the root of a customer's graph. It holds only the normalized
// MSISDN: every other field is resolved through the dataloaders, so a query
// calls only the APIs its selection needs.
type Customer struct {
	ID string
}
