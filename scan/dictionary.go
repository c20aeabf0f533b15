package scan

import "strings"

// Categories of personal data a finding can carry.
const (
	CatEmail       = "email"
	CatPhone       = "phone"
	CatPersonName  = "person_name"
	CatFirstName   = "first_name"
	CatLastName    = "last_name"
	CatAddress     = "address"
	CatCity        = "city"
	CatPostcode    = "postcode"
	CatBirthDate   = "birth_date"
	CatNationalID  = "national_id"
	CatIBAN        = "iban"
	CatCreditCard  = "credit_card"
	CatIP          = "ip"
	CatSecret      = "secret"
	CatUsername    = "username"
	CatPhoto       = "photo"
	CatFreeTextPII = "free_text_pii"
	CatJSONPII     = "json_pii"
	CatWebsite     = "website"
)

// nameWord is one dictionary entry: a word or a compound (tokens joined
// without separators) and the category it suggests. Weak entries are
// ambiguous on their own ("name", "mobile", "via") and only count with
// supporting context or values.
type nameWord struct {
	cat  string
	weak bool
}

// words is the multilingual column-name dictionary (en, de, fr, es, it, nl,
// pt, pl, sv, fi, da/no). Keys are lower-case, accent-folded and written
// without separators; a column matches when any run of up to four of its
// tokens, joined, equals a key.
var words = map[string]nameWord{}

func addWords(cat string, weak bool, list string) {
	for _, w := range strings.Fields(list) {
		words[w] = nameWord{cat: cat, weak: weak}
	}
}

func init() {
	addWords(CatEmail, false, `email emails emailaddress mailaddress email1 email2 mail courriel correo
		correoelectronico epost eposta emailadresse mailadresse adresseemail indirizzoemail
		postaelettronica emailadres sahkoposti`)
	addWords(CatPhone, false, `phone phones telephone phonenumber phoneno telephonenumber tel telno fax faxnumber
		cellphone mobilephone mobilenumber telefon telefonnummer telefono telefone telefoon telefoonnummer
		mobiel movil celular telemovel gsm msisdn whatsapp numerotelephone numtel telefonu puhelin
		puhelinnumero homephone workphone contactnumber`)
	addWords(CatPhone, true, `mobile cell handy portable mobil natel`)
	addWords(CatFirstName, false, `firstname givenname forename vorname prenom voornaam fornamn forename
		primernombre imie etunimi fornavn middlename`)
	addWords(CatFirstName, true, `nombre nome`)
	addWords(CatLastName, false, `lastname surname familyname nachname familienname apellido apellidos
		cognome sobrenome achternaam efternamn nazwisko sukunimi etternavn efternavn maidenname`)
	addWords(CatLastName, true, `nom`)
	addWords(CatPersonName, false, `fullname contactname customername clientname personname realname
		displayname cardholdername accountholder holdername patientname membername employeename
		nomcomplet nombrecompleto nomecompleto vollstandigername volledigenaam`)
	addWords(CatAddress, false, `address addresses addr streetaddress street streetname strasse adresse
		calle direccion indirizzo endereco morada adres straat gatuadress gatuadresse ulica housenumber
		hausnummer houseno hausnr huisnummer streetnumber streetno addressline addressline1 addressline2 address1 address2 shippingaddress billingaddress
		homeaddress postaladdress mailingaddress domicilio rue`)
	addWords(CatAddress, true, `via rua line1 line2 str`)
	addWords(CatCity, false, `city town ville stadt ciudad citta cidade stad miasto kaupunki municipality
		locality wohnort localidad localite poblacion birthplace placeofbirth geburtsort lieudenaissance
		lugardenacimiento luogodinascita`)
	addWords(CatCity, true, `ort`)
	addWords(CatPostcode, false, `zip zipcode postcode postalcode postcodes plz postleitzahl codepostal
		codigopostal cep postnummer kodpocztowy postinumero postnr`)
	addWords(CatBirthDate, false, `birth birthdate birthday dob dateofbirth geburt geburtsdatum geburtstag
		naissance datenaissance nacimiento fechanacimiento fechadenacimiento nascita datanascita nascimento
		datanascimento geboorte geboortedatum fodelse fodelsedatum fodselsdato urodzenia dataurodzenia
		syntymaaika`)
	addWords(CatBirthDate, true, `born`)
	addWords(CatNationalID, false, `ssn socialsecurity socialsecuritynumber nationalid nationalidnumber
		nationalnumber nationalidentifier personalid personalnumber personalidnumber personnummer
		personnr bsn burgerservicenummer nif nie dni cpf pesel hetu henkilotunnus taxid taxnumber
		taxidentifier steuerid steuernummer steueridentifikationsnummer codicefiscale fiscalcode
		passport passportnumber passportno idcard idcardnumber identitynumber identitycard
		idnumber cedula curp rut nric aadhaar insee nir numerosecu securitesociale nino nin
		sozialversicherungsnummer ahv avs rijksregisternummer cnp oib`)
	addWords(CatNationalID, true, `tin sin govid`)
	addWords(CatIBAN, false, `iban ibannumber bankaccount bankaccountnumber accountnumber kontonummer
		rekeningnummer numerocuenta cuentabancaria contocorrente kontonr`)
	addWords(CatCreditCard, false, `creditcard creditcardnumber cardnumber ccnumber ccnum cardno cardnum
		kreditkarte kreditkartennummer numerocarte tarjeta tarjetacredito cartadicredito`)
	addWords(CatCreditCard, true, `card cc`)
	addWords(CatIP, false, `ip ipaddress ipaddr ipv4 ipv6 remoteaddr remoteip clientip lastip userip
		sourceip ipadresse`)
	addWords(CatSecret, false, `password passwd pwd passphrase passwordhash passwordsalt secret secrets
		token tokens apikey apitoken apisecret accesskey accesstoken refreshtoken secretkey privatekey
		clientsecret sessiontoken authtoken otp totp mfasecret passwort kennwort motdepasse contrasena
		senha wachtwoord haslo losenord salasana credential credentials`)
	addWords(CatSecret, true, `salt hash pass pin`)
	addWords(CatUsername, false, `username login loginname userlogin nickname screenname benutzername
		nomutilisateur usuario gebruikersnaam anvandarnamn`)
	addWords(CatUsername, true, `handle nick`)
	addWords(CatPhoto, false, `photo photos avatar portrait selfie headshot foto photopath photourl avatarurl
		profilepicture profilephoto profileimage`)
	addWords(CatPhoto, true, `picture image bild`)
}

// precedence orders categories when several dictionary words match one
// column: the more specific wins ("email_address" is an email, not an
// address; "ip_address" an IP).
var precedence = []string{CatEmail, CatIP, CatNationalID, CatCreditCard, CatIBAN, CatBirthDate,
	CatSecret, CatPhone, CatUsername, CatPostcode, CatFirstName, CatLastName, CatPersonName,
	CatPhoto, CatCity, CatAddress, CatWebsite}

func rank(cat string) int {
	for i, c := range precedence {
		if c == cat {
			return i
		}
	}
	return len(precedence)
}

// notPersonal ends a name: a column called "phone_type", "email_verified"
// or "address_count" describes personal data without holding it.
var notPersonal = map[string]bool{"type": true, "types": true, "status": true, "verified": true,
	"confirmed": true, "enabled": true, "flag": true, "count": true, "format": true, "template": true,
	"kind": true, "optin": true, "consent": true, "provider": true, "valid": true, "validated": true,
	"visible": true, "public": true, "policy": true, "length": true, "len": true,
	"changed": true, "updated": true, "expires": true, "expiry": true, "required": true, "id": true,
	"ids": true, "pattern": true, "regex": true, "label": true, "sent": true, "bounce": true}

// notPersonName qualifies a bare "name" as something other than a person's.
var notPersonName = map[string]bool{"company": true, "product": true, "category": true, "file": true,
	"table": true, "column": true, "brand": true, "shop": true, "store": true, "bank": true,
	"org": true, "organization": true, "organisation": true, "business": true, "ship": true,
	"project": true, "team": true, "group": true, "role": true, "app": true, "application": true,
	"domain": true, "host": true, "server": true, "type": true, "street": true, "city": true,
	"country": true, "state": true, "region": true, "district": true, "event": true,
	"schema": true, "field": true, "service": true, "plan": true, "job": true, "tag": true,
	"model": true, "vendor": true, "supplier": true, "firm": true, "venue": true, "place": true,
	"site": true, "database": true, "channel": true, "queue": true, "topic": true, "key": true}

// personTables are (stemmed) table-name words of tables whose rows are people:
// a bare "name" column there is a person's name.
var personTables = map[string]bool{"customer": true, "client": true, "user": true, "person": true,
	"employee": true, "staff": true, "member": true, "contact": true, "actor": true, "author": true,
	"patient": true, "student": true, "account": true, "guest": true, "passenger": true, "driver": true,
	"candidate": true, "applicant": true, "subscriber": true, "player": true, "teacher": true,
	"doctor": true, "profile": true, "owner": true, "buyer": true, "seller": true, "recipient": true,
	"kunde": true, "mitarbeiter": true, "benutzer": true, "personne": true, "utilisateur": true,
	"usuario": true, "cliente": true, "klant": true, "gebruiker": true, "worker": true, "agent": true,
	"volunteer": true, "resident": true, "people": true, "director": true,
	"manager": true, "representative": true, "rep": true, "sender": true, "traveler": true,
	"traveller": true, "attendee": true, "participant": true, "speaker": true, "nurse": true,
	"physician": true, "composer": true, "writer": true}

// personRoles qualify a bare "name" as a person's ("contact_name",
// "head_of_state", "composer").
var personRoles = map[string]bool{"contact": true, "customer": true, "client": true, "user": true,
	"person": true, "employee": true, "owner": true, "holder": true, "patient": true, "member": true,
	"author": true, "buyer": true, "recipient": true, "sender": true, "guest": true, "passenger": true,
	"student": true, "teacher": true, "manager": true, "director": true, "head": true, "president": true,
	"ceo": true, "founder": true, "composer": true, "writer": true, "signer": true, "applicant": true,
	"spouse": true, "parent": true, "mother": true, "father": true, "child": true, "emergency": true,
	"beneficiary": true, "nominee": true, "witness": true, "doctor": true, "physician": true,
	"billing": true, "attn": true, "attention": true, "salesperson": true,
	"representative": true, "rep": true, "agent": true, "cardholder": true, "driver": true}

// nameHint is what a column's name (and its table's) says about personal data.
type nameHint struct {
	cat  string
	weak bool
	word string // the dictionary word that matched, for evidence
}

// NameCategory returns the personal-data category a column name suggests on
// its own, from the multilingual dictionary ("customer_email" -> email,
// "Nachname" -> last_name, "tel_mobile" -> phone), or ok=false. Only
// unambiguous words count here: ambiguous ones ("name", "mobile") need the
// table context or the values that a scan looks at.
func NameCategory(column string) (category string, ok bool) {
	h := hintFor("", column)
	if h.cat == "" || h.weak {
		return "", false
	}
	return h.cat, true
}

// hintFor reads a column name in the context of its table.
func hintFor(table, column string) nameHint {
	ts := tokens(column)
	if len(ts) == 0 {
		return nameHint{}
	}
	last := ts[len(ts)-1]
	if dateWords[last] && len(ts) > 1 {
		// "email_confirm_date", "last_login_at": when something happened,
		// not the personal value itself; only a birth date stays one.
		if w, ok := words[strings.Join(ts, "")]; ok && w.cat == CatBirthDate {
			return nameHint{cat: w.cat, weak: w.weak, word: strings.Join(ts, "_")}
		}
		if h := hintFor(table, strings.Join(ts[:len(ts)-1], "_")); h.cat == CatBirthDate {
			return h
		}
		return nameHint{}
	}
	if webWords[strings.Join(ts, "")] || (len(ts) == 2 && webWords[last] && (ts[0] == "personal" || ts[0] == "home" || ts[0] == "own")) {
		// A user's or member's website is personal; a company's is not.
		if isAccountTable(table) || isPersonTable(table) {
			return nameHint{cat: CatWebsite, word: strings.Join(ts, "_")}
		}
		return nameHint{}
	}
	if notPersonal[last] && len(ts) > 1 {
		// "phone_type", "email_verified", but "national_id" and "tax_id" are
		// compounds of their own: check those first.
		if w, ok := words[strings.Join(ts[max(0, len(ts)-3):], "")]; ok && w.cat == CatNationalID {
			return nameHint{cat: w.cat, weak: w.weak, word: strings.Join(ts[max(0, len(ts)-3):], "_")}
		}
		if w, ok := words[strings.Join(ts[max(0, len(ts)-2):], "")]; ok && w.cat == CatNationalID {
			return nameHint{cat: w.cat, weak: w.weak, word: strings.Join(ts[max(0, len(ts)-2):], "_")}
		}
		return nameHint{}
	}
	best := nameHint{}
	bestRank := len(precedence) + 1
	for i := range ts {
		for n := 1; n <= 4 && i+n <= len(ts); n++ {
			key := strings.Join(ts[i:i+n], "")
			w, ok := words[key]
			if !ok {
				continue
			}
			// "via" is Italian for street, but "ship_via" is a shipper.
			if w.weak && len(ts) > n && (key == "via" || key == "rua" || key == "pin" || key == "pass" || key == "card" || key == "cc" || key == "hash" || key == "salt") {
				if !(key == "card" && hasAny(ts, "number", "no", "num", "nr")) {
					continue
				}
			}
			r := rank(w.cat)
			// Prefer the longest (most specific) word, then strong over weak,
			// then the category's precedence.
			bl := len(strings.ReplaceAll(best.word, "_", ""))
			better := best.cat == "" || len(key) > bl ||
				(len(key) == bl && best.weak && !w.weak) ||
				(len(key) == bl && best.weak == w.weak && r < bestRank)
			if better {
				best = nameHint{cat: w.cat, weak: w.weak, word: strings.Join(ts[i:i+n], "_")}
				bestRank = r
			}
		}
	}
	if best.cat == CatPhoto && best.weak {
		// "picture" of a category is not personal; of a staff member it is.
		if !isPersonTable(table) {
			return nameHint{}
		}
		best.weak = false
	}
	if best.cat != "" {
		return best
	}
	// A bare "name" (or "name" with a qualifier) is a person's name only when
	// the qualifier or the table says so.
	if last == "name" || last == "names" {
		quals := ts[:len(ts)-1]
		for _, q := range quals {
			if notPersonName[stem(q)] {
				return nameHint{}
			}
		}
		for _, q := range quals {
			if personRoles[stem(q)] {
				return nameHint{cat: CatPersonName, word: strings.Join(ts, "_")}
			}
		}
		if len(quals) == 0 && isPersonTable(table) {
			return nameHint{cat: CatPersonName, word: "name"}
		}
		return nameHint{}
	}
	// Role words alone: "composer", "head_of_state", "contact".
	for _, t := range ts {
		if t == "composer" || t == "author" || (t == "head" && hasAny(ts, "state", "household", "family")) {
			return nameHint{cat: CatPersonName, weak: true, word: strings.Join(ts, "_")}
		}
	}
	return nameHint{}
}

func hasAny(ts []string, ws ...string) bool {
	for _, t := range ts {
		for _, w := range ws {
			if t == w {
				return true
			}
		}
	}
	return false
}

// dateWords end the name of a column saying when something happened.
var dateWords = map[string]bool{"date": true, "time": true, "timestamp": true, "datetime": true,
	"at": true, "on": true, "ts": true, "dt": true, "when": true, "datum": true, "fecha": true}

// webWords name a web address.
var webWords = map[string]bool{"website": true, "homepage": true, "url": true, "webpage": true,
	"blog": true, "homepageurl": true, "websiteurl": true, "personalurl": true}

// accountTables are (stemmed) words of tables whose rows are logins: a
// unique, handle-like "name" there is a user name.
var accountTables = map[string]bool{"user": true, "account": true, "member": true, "editor": true,
	"login": true, "profile": true, "player": true, "subscriber": true, "benutzer": true,
	"utilisateur": true, "usuario": true, "gebruiker": true}

// isAccountTable reports whether a table's rows are user accounts.
func isAccountTable(table string) bool {
	if i := strings.LastIndexByte(table, '.'); i >= 0 {
		table = table[i+1:]
	}
	for _, t := range stems(table) {
		if accountTables[t] {
			return true
		}
	}
	return false
}

// isPersonTable reports whether a table's rows are people, from its name.
func isPersonTable(table string) bool {
	if i := strings.LastIndexByte(table, '.'); i >= 0 {
		table = table[i+1:]
	}
	for _, t := range stems(table) {
		if personTables[t] {
			return true
		}
	}
	return false
}
