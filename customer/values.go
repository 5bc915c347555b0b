package customer

import (
	"customergraph/enum"
	"customergraph/scalar"
)

// Amount is the schema's union Amount: Money, or a Quantity of something
// that is not money. The Plans API sends both in one shape
// {type, value, unit}; telling them apart here spares every client from
// checking `type` before it may add two values.
type Amount interface{ isAmount() }

// Money is an exact amount in a currency. Build it with NewMoney: both
// parts are non-null in the schema.
type Money struct {
	Amount   scalar.Decimal
	Currency string
}

// Quantity is an amount of data, voice minutes, SMS, points: anything but money.
type Quantity struct {
	Value scalar.Decimal
	Unit  string
	// Type is DATA, MINUTES or SMS when the API said; empty otherwise.
	Type enum.ValueType
}

func (*Money) isAmount()    {}
func (*Quantity) isAmount() {}

// NewMoney is nil unless both the amount and the currency are known: a sum
// without its currency is not money a client can show or add.
func NewMoney(amount scalar.Decimal, currency *string) *Money {
	if !amount.Valid() || currency == nil || *currency == "" {
		return nil
	}
	return &Money{Amount: amount, Currency: *currency}
}

// NewAmount reads the Plans API's {type, value, unit}: CURRENCY is Money,
// anything else a Quantity (its Type empty when the API gave none). Nil
// when the value or the unit is missing.
func NewAmount(typ enum.ValueType, value scalar.Decimal, unit *string) Amount {
	if !value.Valid() || unit == nil || *unit == "" {
		return nil
	}
	if enum.Name(string(typ)) == "CURRENCY" {
		return &Money{Amount: value, Currency: *unit}
	}
	return &Quantity{Value: value, Unit: *unit, Type: typ}
}
