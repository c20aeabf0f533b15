package mask

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
)

func TestCacheReturnsWhatTheTransformerReturns(t *testing.T) {
	m, err := New([]byte("cache-test-secret-0123456789"))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := m.Build(Spec{Transformer: "first_name"}, ColumnInfo{})
	if err != nil {
		t.Fatal(err)
	}
	c := newCached(tr)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20000; i++ {
				// Few distinct values (hits) and many (collisions in the table).
				in := []byte(fmt.Sprintf("Name%d", i%(50+w*5000)))
				want, err := tr.Mask(in)
				if err != nil {
					t.Error(err)
					return
				}
				got, err := c.Mask(in)
				if err != nil || !bytes.Equal(got, want) {
					t.Errorf("cached %q = %q, want %q (%v)", in, got, want, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestCacheTurnsItselfOffWhenValuesDoNotRepeat(t *testing.T) {
	m, err := New([]byte("cache-test-secret-0123456789"))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := m.Build(Spec{Transformer: "phone"}, ColumnInfo{})
	if err != nil {
		t.Fatal(err)
	}
	unique, repeating := newCached(tr), newCached(tr)
	for i := 0; i < 2*cacheTrial; i++ {
		if _, err := unique.Mask([]byte(fmt.Sprintf("+31 6 %08d", i))); err != nil {
			t.Fatal(err)
		}
		if _, err := repeating.Mask([]byte(fmt.Sprintf("+31 6 %08d", i%100))); err != nil {
			t.Fatal(err)
		}
	}
	if !unique.off.Load() {
		t.Error("the memo stayed on for a column whose values never repeat")
	}
	if repeating.off.Load() {
		t.Error("the memo went off for a column of 100 repeating values")
	}
}
