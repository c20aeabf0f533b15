package scan

import "testing"

func TestLooksPersonal(t *testing.T) {
	for _, v := range []string{"Maria Garcia", "thaddeus@example.org", "+44 20 7946 0958", "12 Baker Street",
		"4111 1111 1111 1111", "DE89 3704 0044 0532 0130 00", "Ask Maria Garcia, she knows", "192.168.1.20", "Maria"} {
		if !LooksPersonal(v) {
			t.Errorf("%q does not look personal", v)
		}
	}
	for _, v := range []string{"", "active", "42", "2024-01-01", "Rock", "Chess", "order shipped"} {
		if LooksPersonal(v) {
			t.Errorf("%q looks personal", v)
		}
	}
	for _, k := range []string{"email", "first_name", "phone", "address"} {
		if !KeyLooksPersonal(k) {
			t.Errorf("key %q", k)
		}
	}
	if KeyLooksPersonal("status") || KeyLooksPersonal("total") {
		t.Error("status/total are not personal keys")
	}
}
