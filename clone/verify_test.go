package clone

import (
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin"
)

// Issue 14, item 4: violations the source already holds are reported as the
// source's; only what the clone adds fails.
func TestJudgeViolations(t *testing.T) {
	pre := &dbtwin.Verification{
		InvalidConstraints: []string{"constraint public.c.c_amount_check", "constraint public.c.c_pid_fkey"},
		DanglingReferences: map[string]int64{"public.c.c_pid_fkey": 2},
	}
	for _, tc := range []struct {
		name       string
		v          *dbtwin.Verification
		problems   int
		violations int
	}{
		{"faithful copy", &dbtwin.Verification{InvalidConstraints: pre.InvalidConstraints,
			DanglingReferences: map[string]int64{"public.c.c_pid_fkey": 2, "public.d.d_fkey": 0}}, 0, 3},
		{"subset kept fewer orphans", &dbtwin.Verification{InvalidConstraints: pre.InvalidConstraints,
			DanglingReferences: map[string]int64{"public.c.c_pid_fkey": 1}}, 0, 3},
		{"clone added an orphan", &dbtwin.Verification{DanglingReferences: map[string]int64{"public.c.c_pid_fkey": 3}}, 1, 0},
		{"clone broke a valid key", &dbtwin.Verification{DanglingReferences: map[string]int64{"public.d.d_fkey": 1}}, 1, 0},
		{"constraint invalid only in the twin", &dbtwin.Verification{InvalidConstraints: []string{"index public.x_idx"}}, 1, 0},
	} {
		res := &Result{}
		problems := judgeViolations(tc.v, pre, res)
		if len(problems) != tc.problems || len(res.SourceViolations) != tc.violations {
			t.Errorf("%s: problems %q, source violations %q", tc.name, problems, res.SourceViolations)
		}
		for _, p := range problems {
			if strings.Contains(p, "c_pid_fkey") && !strings.Contains(p, "1 more than the source holds (2)") {
				t.Errorf("%s: %s", tc.name, p)
			}
		}
	}
}
