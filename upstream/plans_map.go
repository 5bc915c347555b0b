package upstream

import (
	"customergraph/customer"
	"customergraph/enum"
	"customergraph/scalar"
)

// The one place the Plans API's bodies become customer types.

func plansFrom(w *plansWire, balances []balanceWire, missing bool) *customer.Plans {
	d := w.Data
	p := &customer.Plans{Type: d.Type, Status: d.Status, StartDate: d.StartDate, EndDate: d.EndDate,
		Language: textPtr(d.Language), TariffPlan: d.TariffPlan, Offer: offerFrom(d.Offers), BalancesMissing: missing}
	if balances != nil {
		p.Balances = make([]customer.Balance, len(balances))
		for i, b := range balances {
			p.Balances[i] = balanceFrom(b)
		}
	}
	return p
}

func balanceFrom(w balanceWire) customer.Balance {
	b := customer.Balance{BalanceType: w.BalanceType, ExpiryDate: w.ExpiryDate, Category: w.Category}
	if d := w.Detail; d != nil {
		b.Detail = &customer.BalanceDetail{Type: d.Type, Active: customer.NewAmount(d.Type, d.ActiveValue, d.ActiveUnit),
			Unused: customer.NewAmount(d.Type, d.UnusedValue, d.UnusedUnit)}
	}
	if m := w.Momo; m != nil {
		b.Momo = &customer.MomoBalance{Balance: moneyFrom(m.Balance), PositiveReservations: moneyFrom(m.PositiveReservations),
			NegativeReservations: moneyFrom(m.NegativeReservations), Loyalty: loyaltyFrom(m.Loyalty)}
		if o := m.Overdraft; o != nil {
			b.Momo.Overdraft = &customer.Overdraft{Balance: moneyFrom(o.Balance), Limit: moneyFrom(o.Limit), AccessFee: moneyFrom(o.AccessFee), Interest: moneyFrom(o.Interest)}
		}
	}
	if w.Wallets != nil {
		b.Wallets = make([]customer.Wallet, len(w.Wallets))
		for i, wl := range w.Wallets {
			b.Wallets[i] = customer.Wallet{Name: wl.Name, Status: wl.Status, ExpiryDate: wl.ExpiryDate, Amount: amountFrom(wl.Amount)}
		}
	}
	return b
}

func amountFrom(w *amountWire) customer.Amount {
	if w == nil {
		return nil
	}
	return customer.NewAmount(w.Type, w.Value, w.Unit)
}

// moneyFrom is for amounts that are money by definition (MoMo balances,
// overdrafts, premiums): untyped is money there, and a value the API typed
// as data or minutes is not shown as money.
func moneyFrom(w *amountWire) *customer.Money {
	if w == nil || (w.Type != "" && enum.Name(string(w.Type)) != "CURRENCY") {
		return nil
	}
	return customer.NewMoney(w.Value, w.Unit)
}

func loyaltyFrom(w *loyaltyWire) *customer.Loyalty {
	if w == nil {
		return nil
	}
	return &customer.Loyalty{GeneratedAmount: amountFrom(w.GeneratedAmount), ConsumedAmount: amountFrom(w.ConsumedAmount), NewBalance: amountFrom(w.NewBalance)}
}

func offerFrom(w *offerWire) *customer.Offer {
	if w == nil {
		return nil
	}
	return &customer.Offer{OfferID: textPtr(w.OfferID), OfferType: textPtr(w.OfferType), StartDate: w.StartDate, ExpiryDate: w.ExpiryDate,
		ExpiryDateValue: textPtr(w.ExpiryDateValue)}
}

// textPtr keeps an absent or null text null. It shares the decoded value
// rather than copying it: the wire struct is dropped once mapped.
func textPtr(t *scalar.Text) *string { return (*string)(t) }
