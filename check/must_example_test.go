package check_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/dbtwin/dbtwin/check"
)

// A newsletter job runs its safeguards, shipped inside the binary (e.g.
// with go:embed), right before sending, with a deadline so a slow database
// never holds the job up: a check that cannot finish stops the send too.
func ExampleMustRun() {
	dir, err := os.MkdirTemp("", "dbtwin-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db := exampleDB(dir)
	defer db.Close()

	safeguards, err := check.Parse("checks.yaml", []byte(exampleChecks)) // []byte from //go:embed checks.yaml
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := check.MustRun(ctx, db, "sqlite", safeguards, check.Options{Timeout: 10 * time.Second}); err != nil {
		fmt.Println("newsletter not sent:", err)
		return
	}
	fmt.Println("sending")
	// Output:
	// newsletter not sent: data checks failed (1 passed, 1 failed)
	//   fail "each recipient once" [unique]: 3 rows for 2 distinct emails, ×1.5 (1 email appears more than once, up to 2 times) (e.g. a***@***.com ×2)
}
