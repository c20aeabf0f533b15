package scan

import (
	"reflect"
	"testing"
)

func TestTokens(t *testing.T) {
	cases := map[string][]string{
		"customer_id":       {"customer", "id"},
		"CustomerID":        {"customer", "id"},
		"IDNumber":          {"id", "number"},
		"address2":          {"address", "2"},
		"BillingPostalCode": {"billing", "postal", "code"},
		"Straße":            {"strasse"},
		"e-mail":            {"e", "mail"},
		"Order Details":     {"order", "details"},
		"téléphone_fixe":    {"telephone", "fixe"},
	}
	for in, want := range cases {
		if got := tokens(in); !reflect.DeepEqual(got, want) {
			t.Errorf("tokens(%q) = %v, want %v", in, got, want)
		}
	}
	for in, want := range map[string]string{"categories": "category", "addresses": "address",
		"people": "person", "shippers": "shipper", "status": "status", "boxes": "box"} {
		if got := stem(in); got != want {
			t.Errorf("stem(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNameCategory(t *testing.T) {
	want := map[string]string{
		"email": CatEmail, "customer_email": CatEmail, "EmailAddress": CatEmail, "e_mail": CatEmail,
		"courriel": CatEmail, "phone": CatPhone, "HomePhone": CatPhone, "telefonnummer": CatPhone,
		"tel": CatPhone, "fax": CatPhone, "first_name": CatFirstName, "Vorname": CatFirstName,
		"prenom": CatFirstName, "last_name": CatLastName, "surname": CatLastName, "Nachname": CatLastName,
		"apellido": CatLastName, "cognome": CatLastName, "achternaam": CatLastName, "nazwisko": CatLastName,
		"contact_name": CatPersonName, "full_name": CatPersonName, "address": CatAddress,
		"street": CatAddress, "Strasse": CatAddress, "adresse": CatAddress, "calle": CatAddress,
		"billing_address": CatAddress, "city": CatCity, "ville": CatCity, "ship_city": CatCity,
		"zip": CatPostcode, "postal_code": CatPostcode, "PLZ": CatPostcode, "postcode": CatPostcode,
		"birth_date": CatBirthDate, "dob": CatBirthDate, "DateOfBirth": CatBirthDate,
		"geburtsdatum": CatBirthDate, "date_naissance": CatBirthDate, "fecha_nacimiento": CatBirthDate,
		"ssn": CatNationalID, "national_id": CatNationalID, "tax_id": CatNationalID,
		"personnummer": CatNationalID, "bsn": CatNationalID, "nif": CatNationalID, "dni": CatNationalID,
		"cpf": CatNationalID, "pesel": CatNationalID, "iban": CatIBAN, "card_number": CatCreditCard,
		"credit_card": CatCreditCard, "ip_address": CatIP, "last_ip": CatIP, "password": CatSecret,
		"api_key": CatSecret, "access_token": CatSecret, "client_secret": CatSecret, "username": CatUsername,
		"photo": CatPhoto, "birth_place": CatCity,
	}
	for col, cat := range want {
		got, ok := NameCategory(col)
		if !ok || got != cat {
			t.Errorf("NameCategory(%q) = %q, %v; want %q", col, got, ok, cat)
		}
	}
	for _, col := range []string{"name", "company_name", "ship_name", "product_name", "customer_id",
		"address_id", "phone_type", "email_verified", "last_update", "ship_via", "title", "country",
		"state", "region", "description", "picture", "id", "city_id", "email_count"} {
		if got, ok := NameCategory(col); ok {
			t.Errorf("NameCategory(%q) = %q, want none", col, got)
		}
	}
}

func TestHintContext(t *testing.T) {
	if h := hintFor("public.users", "name"); h.cat != CatPersonName {
		t.Errorf("users.name: %+v, want person_name", h)
	}
	if h := hintFor("public.products", "name"); h.cat != "" {
		t.Errorf("products.name: %+v, want none", h)
	}
	if h := hintFor("public.staff", "picture"); h.cat != CatPhoto || h.weak {
		t.Errorf("staff.picture: %+v, want photo", h)
	}
	if h := hintFor("public.categories", "picture"); h.cat != "" {
		t.Errorf("categories.picture: %+v, want none", h)
	}
	if h := hintFor("", "mobile"); h.cat != CatPhone || !h.weak {
		t.Errorf("mobile: %+v, want weak phone", h)
	}
}
