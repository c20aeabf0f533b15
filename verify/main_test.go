package verify_test

import (
	"testing"

	"github.com/dbtwin/dbtwin/internal/dbtest"
	_ "github.com/dbtwin/dbtwin/postgres"
	_ "github.com/dbtwin/dbtwin/sqlite"
)

func TestMain(m *testing.M) { dbtest.Main(m) }
