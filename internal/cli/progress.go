package cli

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
	"golang.org/x/term"

	"github.com/dbtwin/dbtwin/clone"
)

// progress shows the clone's progress: bars per table and overall on a
// terminal, plain lines otherwise, nothing when disabled.
type progress struct {
	mu      sync.Mutex
	w       io.Writer
	enabled bool
	bars    *mpb.Progress
	total   *mpb.Bar
	perBar  map[string]*mpb.Bar
	done    map[string]int64
	est     map[string]int64
	started time.Time
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd())) && os.Getenv("TERM") != "dumb"
}

func newProgress(w io.Writer, enabled bool) *progress {
	p := &progress{w: w, enabled: enabled, perBar: map[string]*mpb.Bar{}, done: map[string]int64{}, est: map[string]int64{}}
	if enabled && isTerminal(w) {
		p.bars = mpb.New(mpb.WithOutput(w), mpb.WithWidth(32), mpb.WithRefreshRate(150*time.Millisecond))
	}
	return p
}

// Note prints a line above the bars (or plainly).
func (p *progress) Note(msg string) {
	if !p.enabled {
		return
	}
	fmt.Fprintf(p.w, "dbtwin: %s\n", msg)
}

func (p *progress) Start(jobs []clone.PlannedTable) {
	p.started = time.Now()
	var sum int64
	for _, j := range jobs {
		est := j.EstimatedRows
		if est < 0 {
			est = 0
		}
		p.est[j.Table] = est
		sum += est
	}
	if p.bars != nil {
		p.total = p.bars.AddBar(sum,
			mpb.PrependDecorators(decor.Name("total", decor.WCSyncSpaceR), decor.CountersNoUnit("%d / %d rows", decor.WCSyncWidth)),
			mpb.AppendDecorators(decor.AverageSpeed(0, "%.0f rows/s", decor.WCSyncSpace), decor.Name(" ETA "), decor.AverageETA(decor.ET_STYLE_GO)),
			mpb.BarPriority(-1))
	} else if p.enabled {
		fmt.Fprintf(p.w, "dbtwin: copying %d tables (~%d rows)\n", len(jobs), sum)
	}
}

func (p *progress) TableStarted(table string) {
	if p.bars == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.perBar[table] = p.bars.AddBar(p.est[table],
		mpb.PrependDecorators(decor.Name(table, decor.WCSyncSpaceR), decor.CountersNoUnit("%d / %d", decor.WCSyncWidth)),
		mpb.AppendDecorators(decor.AverageSpeed(0, "%.0f rows/s", decor.WCSyncSpace), decor.Name(" "), decor.OnComplete(decor.AverageETA(decor.ET_STYLE_GO), "done")),
		mpb.BarRemoveOnComplete())
}

func (p *progress) Advance(table string, rows, bytes int64) {
	if p.bars == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if b := p.perBar[table]; b != nil {
		if rows > p.est[table] {
			b.SetTotal(rows+rows/10, false)
		}
		b.SetCurrent(rows)
	}
	p.setTotal(table, rows)
}

func (p *progress) setTotal(table string, rows int64) {
	if p.total == nil {
		return
	}
	p.done[table] = rows
	var sum int64
	for _, n := range p.done {
		sum += n
	}
	p.total.SetCurrent(sum)
}

func (p *progress) TableDone(table string, rows, bytes int64, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bars != nil {
		if b := p.perBar[table]; b != nil {
			if err != nil {
				b.Abort(true)
			} else {
				b.SetCurrent(rows)
				b.SetTotal(-1, true)
			}
		}
		p.setTotal(table, rows)
		return
	}
	if !p.enabled {
		return
	}
	if err != nil {
		fmt.Fprintf(p.w, "dbtwin: %s failed after %d rows\n", table, rows)
		return
	}
	fmt.Fprintf(p.w, "dbtwin: %s: %d rows, %s\n", table, rows, size(bytes))
}

func (p *progress) Finish() {
	if p.total != nil {
		p.total.SetTotal(-1, true)
	}
}

// Close waits for the bars to finish drawing.
func (p *progress) Close() {
	if p.bars != nil {
		p.bars.Wait()
		p.bars = nil
	}
}
