package scan

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dbtwin/dbtwin"
)

// A last-name column whose values are nearly all distinct (the incident's
// "Souza 8f14e") gets style fpe; one of a few dozen common surnames keeps the
// realistic dictionary style.
func TestInitKeepsAColumnsDistinctCount(t *testing.T) {
	now := time.Now()
	surnames := []string{"Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima", "Gomes",
		"Costa", "Ribeiro", "Martins", "Carvalho", "Almeida", "Lopes", "Soares", "Fernandes", "Vieira", "Barbosa"}
	var dense, common []string
	for i := range 200 {
		dense = append(dense, fmt.Sprintf("%s %05x", surnames[i%len(surnames)], i*7919))
		common = append(common, surnames[(i*7)%len(surnames)])
	}
	p := classifyColumn("public.users", colOf("last_name", dbtwin.KindText), dense, now)
	if p == nil || p.Suggest != "last_name" || p.Style != "fpe" || ruleFor(*p, false) != "{transformer: last_name, style: fpe}" {
		t.Fatalf("dense last names: %+v", p)
	}
	if !strings.Contains(strings.Join(p.Evidence, "; "), "200 of 200 sampled values distinct") {
		t.Fatalf("evidence %q", p.Evidence)
	}
	p = classifyColumn("public.users", colOf("last_name", dbtwin.KindText), common, now)
	if p == nil || p.Style != "" || ruleFor(*p, false) != "last_name" {
		t.Fatalf("common last names: %+v", p)
	}
}
