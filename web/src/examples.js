// The tabs an analyst sees on first load: each shows something the graph does.

const overview = `# One customer, four APIs, one round trip.
# Explorer (left): add fields by clicking.
# Docs (left): every type, field and argument.
# Upstream calls (left): the REST calls behind
# the answer.
query CustomerOverview($id: ID!) {
  customer(id: $id) {
    msisdn
    location { country operator }
    billingPlan { type status startDate }
    plans(momo: true) {
      tariffPlan
      balances {
        balanceType
        detail { active { ...Amount } }
        wallets { name amount { ...Amount } }
      }
      offer { offerId expiryDate }
    }
    loans { status eligibility { status bands { name } } }
    kyc { idType firstName lastName dateOfBirth }
    subscriptions { providerId subscriptions { name status autoRenew } }
    accountholder { status validation { isValid } }
  }
}

# Money (airtime, MoMo) and quantities (data,
# minutes, SMS) share one union.
fragment Amount on Amount {
  ... on Money { amount currency }
  ... on Quantity { value unit }
}`;

const partial = `# Customer 27831000002: the Profiles API answers
# 207 without the plan and KYC parts, and the
# Subscriptions API without provider 202's list.
# Those fields are null, each with an error giving
# its path and code; everything else answers.
query PartialFailure {
  customer(id: "27831000002") {
    location { country operator }
    billingPlan { type status }
    kyc { idType }
    devices { handsets { deviceMake } }
    subscriptions { providerId subscriptions { name } }
  }
}`;

const list = `# Up to 100 customers at once; each distinct
# customer costs one profile call.
query CustomerList($ids: [ID!]!) {
  customers(ids: $ids) {
    msisdn
    billingPlan { type status }
    loans { eligibility { status } }
  }
}`;

const refill = `# Writes are sent once and never retried. If no
# answer comes, the error code is OUTCOME_UNKNOWN:
# check the balance before trying again. A refusal
# the API states (nothing happened) comes back in
# userErrors.
mutation Refill($input: RefillAirtimeInput!) {
  refillAirtime(input: $input) {
    refill { statusMessage amount { amount currency } }
    userErrors { code message field }
  }
}`;

const provisioning = `# Some subscriptions are provisioned later
# (customer 27831000009).
# 1. Run StartProvisioning (the run button's menu).
#    Its pending id goes into the variables.
# 2. Run FollowProvisioning: it pushes PENDING,
#    then ACTIVE, and completes.
mutation StartProvisioning {
  subscribe(input: {
    customerId: "27831000009", subscriptionId: "21"
    providerId: "202", name: "MTN Play Video"
  }) {
    subscription { subscriptionId status }
    pending { id status }
    userErrors { code message }
  }
}

subscription FollowProvisioning($id: ID!) {
  subscriptionProvisioning(id: $id) {
    subscriptionId name status
  }
}`;

const removeAll = `# Unsubscribe-all answers at once; the API posts
# each removal's result back to the facade later.
# 1. Run RemoveAll: its requestId goes into the
#    variables.
# 2. Run Results: one event per removed
#    subscription, then it completes.
mutation RemoveAll {
  unsubscribeAll(input: {customerId: "27832000001", providerId: "101"}) {
    status description
    requestId
    expectedResults
    userErrors { code message }
  }
}

subscription Results($requestId: String!) {
  unsubscribeAllResults(requestId: $requestId) {
    subscriptionId providerId status description
  }
}`;

export const tabs = [
  { query: overview, variables: JSON.stringify({ id: '+27 83 100 0001' }, null, 2) },
  { query: partial },
  { query: list, variables: JSON.stringify({ ids: ['27832000000', '27832000001', '+27 83 200 0002'] }, null, 2) },
  {
    query: refill,
    variables: JSON.stringify(
      { input: { customerId: '27831000001', type: 'VOUCHERLESS', refillProfileId: 'P1', amount: '25.00' } },
      null,
      2,
    ),
  },
  // The first step's answer fills in the second's variables (carry.js).
  { query: provisioning, variables: JSON.stringify({ id: 'filled in by StartProvisioning' }, null, 2) },
  { query: removeAll, variables: JSON.stringify({ requestId: 'filled in by RemoveAll' }, null, 2) },
];
