package resolvers

import (
	"encoding/base64"
	"strings"

	"customergraph/globalid"
	"customergraph/loaders"
)

// ProvisioningID is the opaque id of a pending provisioning: the four ids
// the status operation needs, carried as one so that a client cannot mix
// them up. It is no secret: only a well-formed id of each kind decodes.
func ProvisioningID(customerID, subscriptionID, providerID, statusID, transactionID string) string {
	return globalid.Encode(globalid.PendingProvisioning, customerID, subscriptionID, providerID, statusID, transactionID)
}

// provisioningKey reads a ProvisioningID, checking each id inside it as if
// it had been given on its own.
func provisioningKey(id string) (loaders.StatusKey, error) {
	bad := inputErrorf("id is not a provisioning id: pass PendingProvisioning.id as subscribe returned it")
	if typ, key, err := globalid.Parse(id); err == nil {
		if typ != globalid.PendingProvisioning {
			return loaders.StatusKey{}, bad
		}
		return statusKey(key[0], key[1], key[2], key[3], key[4])
	}
	// Ids given out before global ids (v0) are still taken.
	if len(id) > 400 {
		return loaders.StatusKey{}, bad
	}
	b, err := base64.RawURLEncoding.DecodeString(id)
	parts := strings.Split(string(b), ":")
	if err != nil || len(parts) != 5 || parts[0] != "p1" {
		return loaders.StatusKey{}, bad
	}
	return statusKey(parts[1], parts[2], parts[3], parts[4], "")
}
