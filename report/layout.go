package report

import (
	"math"
	"sort"
)

// The map is laid out here, in Go, so the page only draws SVG.
//
// Why not Graphviz: goccy/go-graphviz v0.2.10 builds without cgo (it runs
// Graphviz compiled to WebAssembly under wazero), but on this project's
// 2-core machine it took 3.5 s (neato), 7.4 s (dot) and 12.8 s (sfdp) to lay
// out 400 tables with 600 links, and it adds about 8 MB to the binary. The
// layout below does the same graph in well under a second, with no
// dependency.
//
// Why force-directed and not layered (Sugiyama): database schemas are hub
// graphs, not hierarchies. A few tables (users, customers, accounts) are
// referenced by dozens of others, so a layered drawing puts those dozens in
// one very wide layer and draws long crossing edges; a force-directed
// layout puts each hub in the middle of its own children, which is how
// people read a schema. It runs per connected component (the clusters the
// page can collapse), from a deterministic start (a spiral in breadth-first
// order from the best-connected table), so the same schema always gives the
// same picture. Then a pass removes overlaps between tables and their
// labels, and the components are packed on shelves, largest first, with
// isolated tables last.

const (
	charWidth  = 6.4 // average width of a label character at the page's font size
	labelSpace = 16  // height of the label line under a node
	nodePad    = 10  // free space kept between two tables' boxes
	compGap    = 48  // free space between two components
)

// layout places every node and computes the components' boxes.
func layout(g *graph) {
	var maxRows int64
	for _, n := range g.nodes {
		maxRows = max(maxRows, n.Rows)
	}
	for _, n := range g.nodes {
		n.r = radius(n.Rows, maxRows)
	}
	comps := connected(g)
	type placed struct {
		members []*node
		edges   [][2]int
		w, h    float64
	}
	var all []placed
	for _, members := range comps {
		local := map[int]int{}
		for i, n := range members {
			local[n.ID] = i
		}
		var es [][2]int
		for _, e := range g.edges {
			a, okA := local[e.From]
			b, okB := local[e.To]
			if okA && okB && a != b {
				es = append(es, [2]int{a, b})
			}
		}
		forceLayout(members, es)
		separate(members)
		w, h := normalise(members)
		all = append(all, placed{members, es, w, h})
	}
	// Shelf packing, components in the order connected returned them.
	var area, widest float64
	for _, p := range all {
		area += (p.w + compGap) * (p.h + compGap)
		widest = max(widest, p.w)
	}
	rowWidth := max(widest, math.Sqrt(area)*1.5)
	x, y, shelf := 0.0, 0.0, 0.0
	for i, p := range all {
		if x > 0 && x+p.w > rowWidth {
			x, y, shelf = 0, y+shelf+compGap, 0
		}
		for _, n := range p.members {
			n.x += x
			n.y += y
			n.Comp = i
		}
		g.comps = append(g.comps, component{ID: i, Nodes: len(p.members),
			X: x - compGap/3, Y: y - compGap/3, W: p.w + 2*compGap/3, H: p.h + 2*compGap/3,
			Label: clusterLabel(p.members)})
		x += p.w + compGap
		shelf = max(shelf, p.h)
		g.w = max(g.w, x)
		g.h = max(g.h, y+shelf)
	}
	for _, e := range g.edges {
		g.comps[g.nodes[e.From].Comp].Edges++
	}
}

// clusterLabel names a component after its largest table.
func clusterLabel(ns []*node) string {
	big := ns[0]
	for _, n := range ns {
		if n.Rows > big.Rows {
			big = n
		}
	}
	if len(ns) == 1 {
		return big.label
	}
	return big.label + " + " + itoa(len(ns)-1) + " tables"
}

// connected splits the graph into connected components, largest first;
// isolated tables come last, by name.
func connected(g *graph) [][]*node {
	parent := make([]int, len(g.nodes))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for _, e := range g.edges {
		a, b := find(e.From), find(e.To)
		if a != b {
			parent[max(a, b)] = min(a, b)
		}
	}
	groups := map[int][]*node{}
	var roots []int
	for _, n := range g.nodes {
		r := find(n.ID)
		if groups[r] == nil {
			roots = append(roots, r)
		}
		groups[r] = append(groups[r], n)
	}
	out := make([][]*node, 0, len(roots))
	for _, r := range roots {
		out = append(out, groups[r])
	}
	sort.SliceStable(out, func(i, j int) bool {
		if len(out[i]) != len(out[j]) {
			return len(out[i]) > len(out[j])
		}
		return out[i][0].Name < out[j][0].Name
	})
	return out
}

// forceLayout is Fruchterman–Reingold with node sizes: repulsion between
// every pair, attraction along links, a cooling step limit.
func forceLayout(ns []*node, es [][2]int) {
	n := len(ns)
	if n == 1 {
		ns[0].x, ns[0].y = 0, 0
		return
	}
	deg := make([]int, n)
	adj := make([][]int, n)
	for _, e := range es {
		deg[e[0]]++
		deg[e[1]]++
		adj[e[0]] = append(adj[e[0]], e[1])
		adj[e[1]] = append(adj[e[1]], e[0])
	}
	// Breadth-first order from the best-connected table, on a spiral.
	start := 0
	for i := range deg {
		if deg[i] > deg[start] {
			start = i
		}
	}
	order := make([]int, 0, n)
	seen := make([]bool, n)
	queue := []int{start}
	seen[start] = true
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		order = append(order, v)
		for _, w := range adj[v] {
			if !seen[w] {
				seen[w] = true
				queue = append(queue, w)
			}
		}
	}
	for i := range n {
		if !seen[i] {
			order = append(order, i)
		}
	}
	const k = 90.0
	for i, v := range order {
		a := float64(i) * 2.399963 // golden angle
		d := k * 0.6 * math.Sqrt(float64(i))
		ns[v].x, ns[v].y = d*math.Cos(a), d*math.Sin(a)
	}
	iters := 300
	switch {
	case n > 1000:
		iters = 60
	case n > 300:
		iters = 120
	case n > 100:
		iters = 200
	}
	dx := make([]float64, n)
	dy := make([]float64, n)
	temp := k * 2
	for it := range iters {
		clear(dx)
		clear(dy)
		for i := range n {
			a := ns[i]
			for j := i + 1; j < n; j++ {
				b := ns[j]
				ex, ey := a.x-b.x, a.y-b.y
				d2 := ex*ex + ey*ey
				kk := k + a.r + b.r
				// Repulsion acts within a few ideal distances only (as in
				// Fruchterman and Reingold's grid variant): far groups of
				// tables do not push each other away, so clusters joined by
				// one link stay close.
				if d2 > 9*kk*kk {
					continue
				}
				if d2 < 1 {
					ex, ey, d2 = float64(i-j), 1, float64((i-j)*(i-j)+1)
				}
				f := kk * kk / d2 // (kk²/d) / d: the force along the unit vector
				dx[i] += ex * f
				dy[i] += ey * f
				dx[j] -= ex * f
				dy[j] -= ey * f
			}
		}
		for _, e := range es {
			a, b := ns[e[0]], ns[e[1]]
			ex, ey := a.x-b.x, a.y-b.y
			d := math.Sqrt(ex*ex + ey*ey)
			if d < 1e-6 {
				continue
			}
			kk := k + a.r + b.r
			f := d / kk // (d²/kk) / d
			dx[e[0]] -= ex * f
			dy[e[0]] -= ey * f
			dx[e[1]] += ex * f
			dy[e[1]] += ey * f
		}
		for i, v := range ns {
			// A weak pull to the centre keeps loosely linked tables near.
			dx[i] -= v.x * 0.03
			dy[i] -= v.y * 0.03
			d := math.Sqrt(dx[i]*dx[i] + dy[i]*dy[i])
			if d < 1e-9 {
				continue
			}
			step := math.Min(d, temp)
			v.x += dx[i] / d * step
			v.y += dy[i] / d * step
		}
		temp = math.Max(1, k*2*(1-float64(it+1)/float64(iters)))
	}
}

// box returns a node's extent with its label: half width, top and bottom.
func box(n *node) (hw, top, bottom float64) {
	lw := float64(len([]rune(n.label))) * charWidth
	return math.Max(n.r, lw/2) + nodePad/2, n.r + nodePad/2, n.r + labelSpace + nodePad/2
}

// separate pushes apart tables whose boxes (circle and label) overlap,
// along the axis that needs the smaller move.
func separate(ns []*node) {
	for range 60 {
		moved := false
		for i := range ns {
			a := ns[i]
			ahw, at, ab := box(a)
			for j := i + 1; j < len(ns); j++ {
				b := ns[j]
				bhw, bt, bb := box(b)
				ox := ahw + bhw - math.Abs(a.x-b.x)
				if ox <= 0 {
					continue
				}
				// Vertical overlap of [y-top, y+bottom] intervals.
				oy := math.Min(a.y+ab, b.y+bb) - math.Max(a.y-at, b.y-bt)
				if oy <= 0 {
					continue
				}
				moved = true
				if ox < oy {
					s := ox/2 + 0.5
					if a.x < b.x || (a.x == b.x && i < j) {
						s = -s
					}
					a.x += s
					b.x -= s
				} else {
					s := oy/2 + 0.5
					if a.y < b.y || (a.y == b.y && i < j) {
						s = -s
					}
					a.y += s
					b.y -= s
				}
			}
		}
		if !moved {
			return
		}
	}
}

// normalise moves a component so its box starts at (0,0) and returns the
// box's size.
func normalise(ns []*node) (w, h float64) {
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for _, n := range ns {
		hw, top, bottom := box(n)
		minX = math.Min(minX, n.x-hw)
		maxX = math.Max(maxX, n.x+hw)
		minY = math.Min(minY, n.y-top)
		maxY = math.Max(maxY, n.y+bottom)
	}
	for _, n := range ns {
		n.x -= minX
		n.y -= minY
	}
	return maxX - minX, maxY - minY
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
