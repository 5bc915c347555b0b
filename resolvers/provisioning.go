package resolvers

import (
	"encoding/base64"
	"strings"

	"customergraph/loaders"
)

// ProvisioningID is the opaque id of a pending provisioning: the four ids
// the status operation needs, carried as one so that a client cannot mix
// them up. It is no secret: only a well-formed id of each kind decodes.
func ProvisioningID(customerID, subscriptionID, providerID, statusID string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strings.Join([]string{"p1", customerID, subscriptionID, providerID, statusID}, ":")))
}

// provisioningKey reads a ProvisioningID, checking each id inside it as if
// it had been given on its own.
func provisioningKey(id string) (loaders.StatusKey, error) {
	bad := inputErrorf("id is not a provisioning id: pass PendingProvisioning.id as subscribe returned it")
	if len(id) > 400 {
		return loaders.StatusKey{}, bad
	}
	b, err := base64.RawURLEncoding.DecodeString(id)
	parts := strings.Split(string(b), ":")
	if err != nil || len(parts) != 5 || parts[0] != "p1" {
		return loaders.StatusKey{}, bad
	}
	return statusKey(parts[1], parts[2], parts[3], parts[4])
}
