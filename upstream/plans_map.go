package upstream

import (
	"customergraph/customer"
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
		b.Detail = &customer.BalanceDetail{Type: d.Type, ActiveValue: d.ActiveValue, ActiveUnit: d.ActiveUnit, UnusedValue: d.UnusedValue, UnusedUnit: d.UnusedUnit}
	}
	if m := w.Momo; m != nil {
		b.Momo = &customer.MomoBalance{Balance: amountFrom(m.Balance), PositiveReservations: amountFrom(m.PositiveReservations),
			NegativeReservations: amountFrom(m.NegativeReservations), Loyalty: loyaltyFrom(m.Loyalty)}
		if o := m.Overdraft; o != nil {
			b.Momo.Overdraft = &customer.Overdraft{Balance: amountFrom(o.Balance), Limit: amountFrom(o.Limit), AccessFee: amountFrom(o.AccessFee), Interest: amountFrom(o.Interest)}
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

func amountFrom(w *amountWire) *customer.Amount {
	if w == nil {
		return nil
	}
	return &customer.Amount{Type: w.Type, Value: w.Value, Unit: w.Unit}
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

// textPtr keeps an absent or null text null.
func textPtr(t *scalar.Text) *string {
	if t == nil {
		return nil
	}
	s := string(*t)
	return &s
}
