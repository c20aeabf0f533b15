package scan

import (
	"strings"
	"sync"

	"github.com/brianvoe/gofakeit/v7/data"
)

// Extra given names and surnames common in the languages the dictionary
// covers, beyond gofakeit's (mostly English) lists. Lower-case, folded.
const extraFirst = `anna maria marie sophie sofia lena lea leonie hannah emma mia lina clara ida
	johanna katharina julia laura lisa sarah paula elena lucia carmen isabel ana beatriz ines
	francesca giulia chiara alessandra federica valentina martina silvia paola giovanna rosa
	camille chloe manon ines juliette margaux mathilde helene isabelle nathalie sylvie dominique
	ingrid astrid birgit karin ulla agneta annika sanna emilia ewa katarzyna agnieszka malgorzata
	joanna magdalena zofia eva jana petra lucie tereza marketa terhi aino anneli liisa marja
	fernanda madalena joana luisa mariana gabriela helena madalena daan sem lucas finn levi noah
	johannes jan lukas leon felix maximilian paul jonas elias niklas tobias florian sebastian
	matthias andreas stefan thomas michael markus christian wolfgang klaus jurgen dieter uwe
	horst gunter werner helmut hans fritz karl heinz kurt rolf bernd frank joachim
	pierre jean jacques francois michel philippe alain nicolas olivier laurent christophe
	stephane sebastien guillaume antoine mathieu mathis hugo louis gabriel arthur raphael
	jose juan carlos luis miguel javier antonio manuel francisco pedro pablo diego alejandro
	sergio jorge alberto fernando rafael ricardo eduardo roberto enrique ramon
	giuseppe giovanni marco luca andrea matteo lorenzo alessandro francesco davide simone
	stefano massimo paolo fabio riccardo emanuele gianluca vincenzo salvatore
	joao tiago rui nuno goncalo andre bruno rodrigo vitor caetano milton chico gilberto
	lars anders erik johan karl nils olof per sven gustav magnus henrik mikael bjorn jonas
	oskar axel mats ulf kjell leif stig joakim
	piotr krzysztof andrzej tomasz pawel michal marcin jakub lukasz grzegorz wojciech stanislaw
	mateusz adam marek jerzy zbigniew ladislav frantisek jiri petr josef tomas
	mikko jukka matti juha timo antti kari pekka heikki
	mohammed mohammad ahmed ali omar hassan hussein yusuf ibrahim fatima aisha manoj puja
	priya rahul amit raj sanjay vikram wei li ming jun hiroshi yuki kenji akira`

const extraLast = `muller mueller schmidt schneider fischer weber meyer wagner becker schulz hoffmann
	schafer koch bauer richter klein wolf schroder neumann schwarz zimmermann braun kruger hofmann
	hartmann lange schmitt werner schmitz krause meier lehmann schmid schulze maier kohler
	martin bernard dubois thomas robert richard petit durand leroy moreau simon laurent lefebvre
	michel garcia david bertrand roux vincent fournier morel girard andre lefevre mercier dupont
	lambert bonnet francois martinez tremblay gagnon roy cote bouchard gauthier morin
	garcia rodriguez gonzalez fernandez lopez martinez sanchez perez gomez martin jimenez ruiz
	hernandez diaz moreno alvarez munoz romero alonso gutierrez navarro torres dominguez
	rossi russo ferrari esposito bianchi romano colombo ricci marino greco bruno gallo conti
	luca costa giordano mancini rizzo lombardi moretti barbieri
	jong jansen vries dijk bakker janssen visser smit meijer boer
	mulder groot bos vos peters hendriks leeuwen dekker brouwer dijkstra
	silva santos ferreira pereira oliveira costa rodrigues martins jesus sousa fernandes goncalves
	gomes lopes marques alves almeida ribeiro pinto carvalho teixeira moreira correia mendes
	nowak kowalski wisniewski wojcik kowalczyk kaminski lewandowski zielinski szymanski
	wozniak dabrowski kozlowski jankowski mazur kwiatkowski krawczyk piotrowski grabowski
	andersson johansson karlsson nilsson eriksson larsson olsson persson svensson gustafsson
	pettersson jonsson jansson hansson bengtsson lindberg lindqvist lindgren berg hansen
	johansen olsen pedersen nielsen jensen christensen rasmussen jorgensen madsen
	korhonen virtanen makinen nieminen makela hamalainen laine heikkinen koskinen jarvinen
	novak svoboda novotny dvorak cerny prochazka kucera vesely horak nemec wichterlova
	kumar sharma singh patel gupta chandrasekaran wang zhang liu chen yang huang zhao wu zhou
	sato suzuki takahashi tanaka watanabe ito yamamoto nakamura kobayashi`

// Given names that are also ordinary words: in free text they prove nothing.
const ambiguousFirst = `will may june april august art bill grant hope faith joy rose dawn don guy drew
	mark jack chance hunter summer autumn winter river rocky sky king major royal sage reed wade
	lane dale glen ray sterling page ace angel bird blue bud buck cash chase chip clay cliff
	cole colt crystal daisy dash destiny dusty earl ebony ember fern forest gale gay gene gem
	gray harmony hazel heather holly honey iris ivory ivy jade jasmine jewel justice karma
	lily lucky major mason miles misty noble ocean olive pearl penny pepper poppy precious
	queen rain raven rich robin ruby rusty saint scarlet shadow silver sonny star storm sunny
	taylor tiger true velvet violet bishop carter cooper baker fisher walker young will golden
	price park long short deal dean free frank gay hall hill jay may moon pat sam sun tom van
	per ida lea ana eva li wei jun ming`

var (
	namesOnce  sync.Once
	firstNames map[string]bool
	lastNames  map[string]bool
	ambiguous  map[string]bool
	cityNames  map[string]bool
)

func loadNames() {
	namesOnce.Do(func() {
		firstNames = map[string]bool{}
		lastNames = map[string]bool{}
		ambiguous = map[string]bool{}
		cityNames = map[string]bool{}
		add := func(m map[string]bool, list []string) {
			for _, n := range list {
				n = strings.ToLower(fold(strings.TrimSpace(n)))
				if len(n) >= 2 {
					m[n] = true
				}
			}
		}
		add(firstNames, data.Person["first"])
		add(firstNames, data.Person["middle"])
		add(firstNames, strings.Fields(extraFirst))
		add(lastNames, data.Person["last"])
		add(lastNames, strings.Fields(extraLast))
		add(ambiguous, strings.Fields(ambiguousFirst))
		add(cityNames, data.Address["city"])
	})
}

// isFirstName reports whether a word (any case) is a known given name.
func isFirstName(w string) bool {
	loadNames()
	return firstNames[strings.ToLower(fold(w))]
}

// isLastName reports whether a word (any case) is a known surname.
func isLastName(w string) bool {
	loadNames()
	return lastNames[strings.ToLower(fold(w))]
}

// isAmbiguousName reports whether a given name is also an ordinary word.
func isAmbiguousName(w string) bool {
	loadNames()
	return ambiguous[strings.ToLower(fold(w))]
}

// isKnownCity reports whether a value is one of gofakeit's city names.
func isKnownCity(v string) bool {
	loadNames()
	return cityNames[strings.ToLower(fold(strings.TrimSpace(v)))]
}
