package model

// Node is the schema's Node interface: any of the types with a global id
// (model.Customer, and customer.VasSubscription, SubscriptionProvider and
// PendingProvisioning). gqlgen's generated code tells them apart by type;
// the types need no marker method, so package customer stays free of the
// schema's vocabulary.
type Node interface{}
