package content

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/arabic"
)

// Shape limits. A line inside a trailing block may be short (at most
// maxFillerWords words, one sentence); anything longer is article text and
// stops the trailing block. Wire-copy paragraphs are often under 25 words,
// so the limit is low. Blocks cut wherever they stand (filler, share and
// newsletter text) must be shorter than the other limits.
const (
	maxFillerWords    = 15
	maxHeadingRune    = 80
	maxShareWords     = 12
	maxAnywhereWords  = 20 // filler and newsletter sentences cut anywhere
	maxTrailingFiller = 30 // a filler sentence ending the body
	maxReadMoreWords  = 20 // "Read more: <title>"
	maxBoxWords       = 80 // a share/newsletter/related box, all of it
	maxBoxBlocks      = 16
	maxBoxLineWords   = 10 // a line of a box without a class hint
)

// shape is what a block looks like in its markup.
type shape uint8

const (
	shapePara    shape = iota // a paragraph or a run of text
	shapeHeading              // h1-h6, or a paragraph that is all <strong>
	shapeItem                 // li, dt, dd
	shapeOther                // pre, table, figure: never boilerplate
	shapeRule                 // hr
)

// block is one unit of the body the decisions are about: a paragraph of
// plain text, or a leaf block of the HTML.
type block struct {
	shape  shape
	text   string // visible text, whitespace collapsed, trimmed
	breaks []int  // offsets of the spaces in text that are line breaks (lines)
	words  int    // white-space separated words of text; -1: not counted yet
	media  bool   // holds an image, video or embed
	list   int    // index+1 of the list an item belongs to, 0 if none
	links  []link // the links inside, in order
	linked bool   // all its text is link text

	// Derived by classify.
	folded   string // arabic.Fold(text), made by fold
	key      string // headingKey, made by fold
	isFolded bool
	kind     blockKind
	qa       qaRole
	marker   bool // its whole text is a marker heading, whatever its kind ("Follow us" is share text too)
	relHdg   bool // a marker heading of related articles
	// lone is CutFiller, CutNewsletter or CutShare for a block that holds
	// one boilerplate phrase and is otherwise story-shaped: a sentence
	// with one filler or newsletter phrase in it ("Never give your email
	// address to callers"), or a network name on its own ("Facebook" in a
	// list of the services an outage hit). One phrase is not enough to cut
	// it wherever it stands; where it stands decides (see decide).
	lone CutKind
}

// link is one <a href> of a block.
type link struct{ text, href string }

// box is an HTML container (div, aside, section, nav, …) that may be one
// piece of boilerplate as a whole: a share bar, a newsletter box, a
// related-links aside.
type box struct {
	first, end int     // its blocks are [first, end)
	hint       CutKind // from its class or id: CutShare, CutNewsletter, CutRelated, or ""
	tag        string  // its element, class and id, to name it in a report
	class, id  string
}

// blockKind classifies a block by its text.
type blockKind uint8

const (
	kindPara       blockKind = iota // story text
	kindOther                       // a table, figure or code: story
	kindShort                       // a short one-sentence line
	kindItem                        // a list item
	kindQA                          // a question or answer line
	kindHeading                     // a marker heading
	kindShare                       // share or follow-us text
	kindNewsletter                  // newsletter text
	kindFiller                      // search-engine filler
	kindReadMore                    // "Read more: <title>"
	kindFooter                      // a feed footer line (Markers.Footer)
	kindEmpty                       // no text, no media
	kindRule                        // a horizontal rule
)

// qaRole says whether a Q/A line asks or answers.
type qaRole uint8

const (
	qaNone qaRole = iota
	qaQuestion
	qaAnswer
)

// decision is what happens to one block.
type decision struct {
	cut     bool
	kind    CutKind
	reason  string
	heading string // the heading of the trailing section it belongs to
	region  bool   // in the trailing block
	section int    // index+1 of its trailing section
	related *feeds.Related
}

// classify fills the derived fields of b. Only blocks short enough to be
// boilerplate are folded whole here; a long paragraph is only looked at
// for a Q/A prefix (its folded form is made when Q/A relevance needs it).
func (mk *matcher) classify(b *block) {
	if b.words < 0 {
		b.words = rawWords(b.text)
	}
	if b.words <= maxAnywhereWords || len(b.text) <= utf8.UTFMax*maxHeadingRune && utf8.RuneCountInString(b.text) <= maxHeadingRune {
		b.fold()
		b.words = countWords(b.folded)
		b.qa = qaOf(b.folded)
	} else if p := prefix(b.text, qaPrefixBytes); strings.ContainsAny(p, ":：") {
		b.qa = qaOf(arabic.Fold(p)) // no colon, no "Q:"
	}
	b.kind = mk.kindOf(b)
}

// qaPrefixBytes is enough of a paragraph to read "السؤال:" or
// "Question:" at its start, decoration included.
const qaPrefixBytes = 48

// fold makes the folded form and heading key of b, once.
func (b *block) fold() {
	if !b.isFolded {
		b.folded, b.isFolded = arabic.Fold(b.text), true
		b.key = trimDecoration(b.folded)
	}
}

// foldedText is the folded form of b's text.
func (b *block) foldedText() string {
	b.fold()
	return b.folded
}

// rawWords counts the white-space separated words of s.
func rawWords(s string) int {
	n, in := 0, false
	for _, r := range s {
		switch {
		case isSpace(r):
			in = false
		case !in:
			in = true
			n++
		}
	}
	return n
}

func (mk *matcher) kindOf(b *block) blockKind {
	if b.isFolded && !hasWordRune(b.key) || !b.isFolded && strings.IndexFunc(b.text, isLetterOrDigit) < 0 {
		switch {
		case b.media || b.shape == shapeOther:
			return kindOther
		case b.shape == shapeRule:
			return kindRule
		}
		return kindEmpty
	}
	if b.shape == shapeOther {
		return kindOther
	}
	if mk.footer(b) {
		return kindFooter
	}
	b.relHdg, b.marker = mk.heading(b.text, b.key)
	if b.words <= maxShareWords {
		// A lone word that is also a marker heading ("Share") is a label.
		if made, lone := mk.share.made(b.key); made && (!lone || b.linked || b.marker) {
			return kindShare
		} else if made {
			b.lone = CutShare
		}
		if made, _ := mk.newsletter.made(b.key); made {
			return kindNewsletter
		}
	}
	if b.marker {
		return kindHeading
	}
	var found phrases
	if b.words <= maxAnywhereWords {
		found = mk.inline.find(b.folded)
	}
	// Two phrases, or one that opens the block ("Subscribe to our
	// newsletter for …"), make a line written for a sign-up box or for
	// search engines; one inside a sentence may be the story using the
	// words ("Never give your email address to callers").
	switch {
	case found.newsletter > 1 || found.opens == CutNewsletter:
		return kindNewsletter
	case found.newsletter == 1 && b.lone == "":
		b.lone = CutNewsletter
	case found.filler == 1 && found.opens != CutFiller && b.lone == "":
		b.lone = CutFiller
	}
	if b.words <= maxReadMoreWords && sentences(b.text) <= 1 && mk.readMore(b.key) {
		return kindReadMore
	}
	if b.qa != qaNone {
		return kindQA
	}
	if found.filler > 1 || found.opens == CutFiller {
		return kindFiller
	}
	if b.shape == shapeItem {
		return kindItem
	}
	if _, ok := listItem(b.text); ok {
		return kindItem
	}
	if b.words <= maxFillerWords && sentences(b.text) <= 1 {
		return kindShort
	}
	return kindPara
}

// shaped reports whether a block may be part of a trailing block.
func (k blockKind) shaped() bool { return k != kindPara && k != kindOther }

// substance reports whether a block is story material when kept.
func (b *block) substance() bool { return b.kind != kindEmpty && b.kind != kindRule }

// decide is the decision logic shared by HTML bodies and plain-text
// paragraphs: one decision per block, in ds when it is large enough.
func (mk *matcher) decide(title string, bs []block, boxes []box, ds []decision) []decision {
	if cap(ds) < len(bs) {
		ds = make([]decision, len(bs))
	}
	ds = ds[:len(bs)]
	cut := func(i int, kind CutKind, reason string) {
		ds[i].cut, ds[i].kind, ds[i].reason = true, kind, reason
	}

	// 1. Blocks that are boilerplate wherever they stand.
	for i := range bs {
		b := &bs[i]
		switch b.kind {
		case kindEmpty:
			cut(i, CutEmpty, "empty paragraph")
		case kindShare:
			cut(i, CutShare, "share or follow-us text")
		case kindNewsletter:
			cut(i, CutNewsletter, "newsletter sign-up text")
		case kindFiller:
			cut(i, CutFiller, "sentence written for search engines")
		case kindFooter:
			cut(i, CutFooter, `feed footer ("The post … appeared first on …")`)
		case kindReadMore:
			cut(i, CutRelated, `"read more" line: kept as a related entry`)
			ds[i].related = readMoreEntry(b)
		}
	}

	// A network name on its own line is share text only next to share
	// text: the rest of a share bar ("Share this:", then "Facebook",
	// "X" a line each), not a list of the services an outage hit.
	mk.cutShareRuns(bs, ds)

	// 2. Boxes: a small container of boilerplate goes as a whole.
	mk.cutBoxes(bs, boxes, ds)

	// 3. The trailing block: the longest suffix of boilerplate-shaped
	// blocks, from its first marker heading. Nothing else opens one: a
	// "read more" line or a share bar is cut by itself, a list of links
	// without a heading is story, and neither says anything of what
	// follows it.
	k := len(bs)
	for ; k > 0; k-- {
		b := &bs[k-1]
		if !ds[k-1].cut && b.kind == kindPara && b.words <= maxTrailingFiller {
			// Only short sentences are looked at for filler everywhere;
			// at the end of the body, longer ones too.
			switch found := mk.inline.find(b.foldedText()); {
			case found.filler > 1 || found.opens == CutFiller:
				b.kind = kindFiller
				cut(k-1, CutFiller, "sentence written for search engines")
			case found.filler == 1 && b.lone == "":
				b.lone = CutFiller
			}
		}
		// A sentence with one filler phrase may end a trailing block: it
		// is cut there, and kept when no marker heading opens one.
		if !ds[k-1].cut && !b.kind.shaped() && b.lone != CutFiller {
			break
		}
	}
	for i := k; i < len(bs); i++ {
		if bs[i].marker {
			mk.trailing(bs, ds, i)
			break
		}
	}

	// 4. Question/answer pairs of the trailing block, judged by what they
	// say. Anywhere else they are the story's own (an interview, an
	// explainer).
	mk.judgeQA(title, bs, ds)
	return ds
}

// trailing decides the blocks of the trailing block, which starts at the
// marker heading at start, section by section: each marker heading opens
// one.
func (mk *matcher) trailing(bs []block, ds []decision, start int) {
	section := 0
	for i := start; i < len(bs); {
		j := i + 1
		for j < len(bs) && !bs[j].marker {
			j++
		}
		section++
		mk.section(bs, ds, i, j, section)
		i = j
	}
}

// section decides the trailing section [first, end) that the marker
// heading at first opens. Its lines are cut only when the section shows
// what its heading announces (evidence): otherwise the heading is a word
// of the story ("الأسئلة الشائعة" as a paragraph, "Related" as a subhead
// over closing lines) and the whole section stays.
func (mk *matcher) section(bs []block, ds []decision, first, end, n int) {
	h := &bs[first]
	heading, related := "", h.relHdg
	if h.kind == kindHeading {
		heading = h.text
	}
	// Under a related heading, a line without a link that reads as a
	// sentence says the heading is a subhead over story: its other
	// unlinked lines are story too, even those ending bare or with "?".
	titles := related && !holdsProse(bs, ds, first, end)
	confirmed := sectionShowsBoilerplate(bs, ds, first, end, titles)
	for i := first; i < end; i++ {
		b, d := &bs[i], &ds[i]
		d.region, d.section, d.heading = true, n, heading
		if d.cut || !confirmed {
			continue
		}
		switch {
		case b.kind == kindHeading:
			d.cut, d.kind, d.reason = true, CutHeading, "heading that opens the trailing block"
			if related {
				d.reason = "related-articles heading: its items are kept as related entries"
			}
		case b.kind == kindQA:
			// judged by judgeQA
		case b.kind == kindEmpty || b.kind == kindRule:
			d.cut, d.kind, d.reason = true, CutEmpty, "empty block in the trailing block"
		case related && (b.kind == kindItem || b.linked || titles && titleLike(b)):
			d.cut, d.kind, d.reason = true, CutRelated, "related-article title"
			d.related = itemEntry(b)
		case related:
			// A sentence under a related heading is not a title: kept.
		case b.kind == kindItem:
			d.cut, d.kind, d.reason = true, CutList, "list item in the trailing block"
		case b.lone != "":
			d.cut, d.kind, d.reason = true, b.lone, "boilerplate phrase in the trailing block"
		default:
			d.cut, d.kind, d.reason = true, CutFiller, "short line in the trailing block"
		}
	}
}

// sectionShowsBoilerplate reports whether the trailing section [first,
// end) holds what a marker heading announces: a line that is boilerplate
// wherever it stands (share, newsletter, filler) or holds a boilerplate
// phrase, a Q/A line, a list item or a link, or a title when titles is
// set (a related heading with no prose under it); or nothing at all
// after the heading. A "read more" line is no evidence: it is cut by
// itself and says nothing of its neighbours.
func sectionShowsBoilerplate(bs []block, ds []decision, first, end int, titles bool) bool {
	rest := 0
	for i := first + 1; i < end; i++ {
		b := &bs[i]
		switch {
		case ds[i].cut && (ds[i].kind == CutShare || ds[i].kind == CutNewsletter || ds[i].kind == CutFiller):
			return true
		case ds[i].cut || !b.substance():
			continue
		case b.kind == kindQA || b.kind == kindItem || b.linked || b.lone != "":
			return true
		case titles && titleLike(b):
			return true
		}
		rest++
	}
	return rest == 0
}

// cutShareRuns cuts the lone network names (block.lone == CutShare) that
// continue a run of share text: each one next to a block cut as share
// text, either side. A pass each way carries the run along.
func (mk *matcher) cutShareRuns(bs []block, ds []decision) {
	run := func(i, prev int) int {
		switch {
		case ds[i].cut && ds[i].kind == CutEmpty:
			return prev // an empty block does not break a run
		case !ds[i].cut && bs[i].lone == CutShare && prev >= 0:
			ds[i].cut, ds[i].kind, ds[i].reason = true, CutShare, "network name in a run of share text"
		}
		if ds[i].cut && ds[i].kind == CutShare {
			return i
		}
		return -1
	}
	prev := -1
	for i := 0; i < len(bs); i++ {
		prev = run(i, prev)
	}
	prev = -1
	for i := len(bs) - 1; i >= 0; i-- {
		prev = run(i, prev)
	}
}

// holdsProse reports whether the section [first, end) holds a line of
// story prose: kept, with no link of its own and no bullet, and not
// titleLike (a paragraph, or a short line ending with a full stop).
func holdsProse(bs []block, ds []decision, first, end int) bool {
	for i := first + 1; i < end; i++ {
		b := &bs[i]
		if ds[i].cut || !b.substance() || b.linked || b.kind == kindItem || b.kind == kindQA {
			continue
		}
		if b.kind == kindPara || !titleLike(b) {
			return true
		}
	}
	return false
}

// titleLike reports whether a short line reads as a headline rather than
// a sentence of the story: a link of its own, or no full stop at its end
// (headlines end bare, or with "?" or "!").
func titleLike(b *block) bool {
	if b.linked || b.kind != kindShort {
		return b.linked
	}
	s := strings.TrimRightFunc(b.text, func(r rune) bool { return isClosing(r) || unicode.IsSpace(r) })
	r, _ := utf8.DecodeLastRuneInString(s)
	return r != '.' && r != '۔' && r != '…'
}

// cutBoxes cuts small containers of boilerplate as a whole: a box is cut
// when it is small, holds no Q/A, is not the whole article, has a class
// hint or opens with a block that is boilerplate anyway (a marker
// heading, a share or newsletter line), and every block in it is
// boilerplate-shaped. A "read more" line inside a box is cut by itself:
// it does not make its neighbours boilerplate.
func (mk *matcher) cutBoxes(bs []block, boxes []box, ds []decision) {
	substantive := 0
	for i := range bs {
		if bs[i].substance() {
			substantive++
		}
	}
	for _, bx := range boxes {
		if bx.end <= bx.first || bx.end-bx.first > maxBoxBlocks {
			continue
		}
		words, inner, ok := 0, 0, true
		trigger := bx.hint
		related := bx.hint == CutRelated
		for i := bx.first; i < bx.end && ok; i++ {
			b := &bs[i]
			words += b.words
			opener := inner == 0 // the box's first block of substance
			if b.substance() {
				inner++
			}
			switch b.kind {
			case kindPara, kindOther, kindQA:
				ok = false
			case kindShort:
				// Without a hint only label-like lines: no full sentences.
				ok = bx.hint != "" || (b.words <= maxBoxLineWords && !endsWithSentenceEnd(b.text))
			case kindHeading:
				if opener && (trigger == "" || trigger == CutRelated) {
					trigger = CutRelated
					if !b.relHdg {
						trigger = CutHeading
					}
				}
				related = related || b.relHdg
			case kindShare, kindNewsletter:
				if opener && (trigger == "" || trigger == CutHeading) {
					trigger = ds[i].kind
				}
			}
		}
		if !ok || trigger == "" || words > maxBoxWords || inner >= substantive {
			continue
		}
		for i := bx.first; i < bx.end; i++ {
			d, b := &ds[i], &bs[i]
			if d.cut {
				continue
			}
			d.cut = true
			switch {
			case b.kind == kindHeading:
				d.kind = CutHeading
			case related && (b.kind == kindItem || b.kind == kindShort):
				d.kind, d.related = CutRelated, itemEntry(b)
			case b.kind == kindEmpty || b.kind == kindRule:
				d.kind = CutEmpty
			case trigger == CutShare || trigger == CutNewsletter:
				d.kind = trigger
			case b.kind == kindItem:
				d.kind = CutList
			default:
				d.kind = CutFiller
			}
			d.reason = "inside " + boxLabel(bx.tag, bx.class, bx.id)
		}
	}
}

// judgeQA cuts the question/answer pairs of the trailing block that say
// nothing about the story; pairs anywhere else are the story's own and
// are never cut. The story is the title and every kept block but the
// trailing block's Q/A lines. A pair is kept when it states a fact (a
// number, a date, an amount, a name: see statesFact), which generic SEO
// FAQs never do, or when it shares minSharedTerms terms with the story;
// either way it joins the story, so that pairs picking up each other's
// topics are judged together. A run of pairs (consecutive Q/A lines)
// where at least half are kept is an interview: its other pairs stay too
// when they share a term or give a long answer, since interviews wander.
// When the pairs are all the story there is (an explainer written as a
// FAQ), every pair with a word of its own stays: cutting them would leave
// nothing, and only pairs made of function words and SEO vocabulary are
// boilerplate for sure. A trailing section whose heading introduced pairs
// that are kept ("FAQ" over real questions) keeps its heading.
//
// A question's answer is the answer lines after it or, when it has none,
// the short lines after it in its section that section cut as trailing
// lines ("Q: When?" then "On January 1."): they are kept with it.
func (mk *matcher) judgeQA(title string, bs []block, ds []decision) {
	type pair struct {
		first, end int // blocks [first, end)
		run        int
		answer     int // words of the answer
		shared     int
		kept       bool
	}
	var pairs []pair
	run, last := 0, -2
	for i := 0; i < len(bs); i++ {
		if ds[i].cut || bs[i].kind != kindQA || !ds[i].region {
			if !(ds[i].cut && bs[i].kind == kindEmpty) {
				last = -2 // anything but an empty block ends a run
			}
			continue
		}
		if last != i-1 {
			run++
		}
		p := pair{first: i, end: i + 1, run: run}
		if bs[i].qa == qaQuestion {
			for p.end < len(bs) && !ds[p.end].cut && ds[p.end].region && bs[p.end].kind == kindQA && bs[p.end].qa == qaAnswer {
				p.end++
			}
			if p.end == i+1 { // no answer line: lines that answer it plainly
				for p.end < len(bs) && plainAnswer(bs, ds, i, p.end) {
					p.end++
				}
			}
		}
		for j := p.first; j < p.end; j++ {
			if bs[j].qa != qaQuestion || p.end == p.first+1 {
				p.answer += bs[j].words
			}
		}
		pairs = append(pairs, p)
		i = p.end - 1
		last = i
	}
	if len(pairs) == 0 {
		return
	}

	n := 0
	for i := range bs {
		if !ds[i].cut {
			n += max(bs[i].words, 0)
		}
	}
	story := make(termSet, 4*n) // a few forms a word: no growing
	mk.addTerms(story, arabic.Fold(title))
	for i := range bs {
		if !ds[i].cut && !(ds[i].region && bs[i].kind == kindQA) {
			mk.addTerms(story, bs[i].foldedText())
		}
	}
	join := func(p *pair) {
		for i := p.first; i < p.end; i++ {
			mk.addTerms(story, bs[i].foldedText())
		}
	}
	for n := range pairs {
		p := &pairs[n]
		ask := ""
		if bs[p.first].qa == qaQuestion {
			ask = bs[p.first].foldedText()
		}
		// A question about the publication states facts about the site:
		// such a pair is the story's only if it shares its topic (below).
		for i := p.first; i < p.end && !p.kept && !asksAboutThePage(ask); i++ {
			p.kept = mk.statesFact(&bs[i], ask)
		}
		if p.kept {
			join(p)
		}
	}
	// A few rounds are enough for pairs to pick up each other's topics,
	// and bound the work on hostile input (every round is one pass).
	for round, changed := 0, true; changed && round < maxQARounds; round++ {
		changed = false
		for n := range pairs {
			p := &pairs[n]
			if p.kept {
				continue
			}
			p.shared = 0
			for i := p.first; i < p.end; i++ {
				p.shared += mk.shared(story, bs[i].foldedText())
			}
			if p.shared >= minSharedTerms {
				p.kept, changed = true, true
				join(p)
			}
		}
	}
	kept, total := map[int]int{}, map[int]int{}
	for _, p := range pairs {
		total[p.run]++
		if p.kept {
			kept[p.run]++
		}
	}
	for n := range pairs {
		p := &pairs[n]
		interview := kept[p.run] > 0 && kept[p.run]*2 >= total[p.run]
		if !p.kept && interview && (p.shared > 0 || p.answer > maxFillerWords) {
			p.kept = true
		}
	}
	if !storyBesides(bs, ds) {
		for n := range pairs {
			p := &pairs[n]
			for i := p.first; i < p.end && !p.kept; i++ {
				p.kept = mk.terms(bs[i].foldedText()) > 0
			}
		}
	}
	keptSection := map[int]bool{}
	for _, p := range pairs {
		for i := p.first; i < p.end; i++ {
			if p.kept {
				if ds[i].region {
					keptSection[ds[i].section] = true
				}
				if ds[i].cut { // a plain answer line
					ds[i] = decision{region: true, section: ds[i].section, heading: ds[i].heading}
				}
				continue
			}
			if ds[i].cut {
				continue // a plain answer line, cut as such
			}
			ds[i].cut, ds[i].kind = true, CutQA
			ds[i].reason = "generic question/answer: shares no terms with the story"
			if p.shared > 0 {
				ds[i].reason = "generic question/answer: shares too few terms with the story"
			}
		}
	}
	for i := range ds {
		if d := &ds[i]; d.region && d.kind == CutHeading && keptSection[d.section] && bs[i].kind == kindHeading && !bs[i].relHdg {
			*d = decision{region: true, section: d.section, heading: d.heading}
		}
	}
}

// plainAnswer reports whether block j answers the question at q without
// an answer prefix: a short line of q's trailing section, with no
// boilerplate phrase, that the section cut only for standing there.
func plainAnswer(bs []block, ds []decision, q, j int) bool {
	return ds[j].cut && ds[j].kind == CutFiller && ds[j].region && ds[j].section == ds[q].section &&
		bs[j].kind == kindShort && bs[j].lone == ""
}

// storyBesides reports whether a block of substance is kept besides the
// Q/A lines of the trailing block and the answer lines cut with them.
func storyBesides(bs []block, ds []decision) bool {
	for i := range bs {
		if !ds[i].cut && bs[i].substance() && !(ds[i].region && bs[i].kind == kindQA) {
			return true
		}
	}
	return false
}

// itemEntry is the related entry of a list item or title line: the text
// of its only link, with the link, or its text without the bullet.
func itemEntry(b *block) *feeds.Related {
	if b.linked && len(b.links) == 1 {
		return &feeds.Related{Title: b.links[0].text, URL: b.links[0].href}
	}
	t := b.text
	if item, ok := listItem(t); ok {
		t = item
	}
	if t == "" {
		return nil
	}
	return &feeds.Related{Title: t}
}

// readMoreEntry is the related entry of a "Read more: <title>" line.
func readMoreEntry(b *block) *feeds.Related {
	if len(b.links) == 1 {
		return &feeds.Related{Title: b.links[0].text, URL: b.links[0].href}
	}
	i := strings.IndexFunc(b.text, isSeparator)
	if i < 0 {
		return nil
	}
	_, n := utf8.DecodeRuneInString(b.text[i:])
	t := strings.TrimSpace(b.text[i+n:])
	if t == "" {
		return nil
	}
	return &feeds.Related{Title: t}
}

// countWords counts the space-separated words of folded text.
func countWords(f string) int {
	if f == "" {
		return 0
	}
	return strings.Count(f, " ") + 1
}

func isLetterOrDigit(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// hasWordRune reports whether s has a letter, a digit or a mark.
func hasWordRune(s string) bool { return strings.IndexFunc(s, isWordRune) >= 0 }

// endsWithSentenceEnd reports whether s ends a sentence, closing quotes
// aside.
func endsWithSentenceEnd(s string) bool {
	s = strings.TrimRightFunc(s, func(r rune) bool { return isClosing(r) || unicode.IsSpace(r) })
	r, _ := utf8.DecodeLastRuneInString(s)
	return isSentenceEnd(r)
}

// qaPrefixes open a question or answer line, before a colon.
var qaPrefixes = [...]struct {
	prefix string
	role   qaRole
}{
	{"السؤال", qaQuestion}, {"سؤال", qaQuestion}, {"س", qaQuestion}, {"question", qaQuestion}, {"q", qaQuestion},
	{"الجواب", qaAnswer}, {"جواب", qaAnswer}, {"الاجابه", qaAnswer}, {"اجابه", qaAnswer}, {"ج", qaAnswer}, {"answer", qaAnswer}, {"a", qaAnswer},
}

// qaOf reports whether folded text f is a question or answer line such as
// "س: …" or "Q: …", and which.
func qaOf(f string) qaRole {
	f = strings.TrimLeftFunc(f, func(r rune) bool { return unicode.IsPunct(r) && r != ':' || unicode.IsSpace(r) })
	for _, p := range qaPrefixes {
		rest, ok := strings.CutPrefix(f, p.prefix)
		if !ok {
			continue
		}
		rest = strings.TrimLeft(rest, " ")
		if strings.HasPrefix(rest, ":") || strings.HasPrefix(rest, "：") {
			return p.role
		}
	}
	return qaNone
}
