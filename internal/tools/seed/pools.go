package main

// pool is the text one language's articles are assembled from. Templates
// hold {placeholders} that slots fills per article. No text here may look
// like boilerplate to internal/content (share, related, FAQ, newsletter,
// search-engine phrases), or imports would cut it.
type pool struct {
	categories map[string]categoryPool
	generic    []string // sentences that fit any category
	headings   []string // mid-article subheadings
	quote      string
	link       string // a sentence with a link: language, category, article number
	cities     []string
	countries  []string // countries[i] is where cities[i] is
	persons    []string
	authors    []string
}

type categoryPool struct {
	titles    []string
	sentences []string
}

var pools = map[string]pool{
	"ar": {
		categories: map[string]categoryPool{
			"politics": {
				titles: []string{
					"{country}: البرلمان يصوّت على مشروع قانون الانتخابات الجديد بعد جلسة مطوّلة",
					"وزير خارجية {country} يبحث مع نظيره الأوروبي ملفات التعاون الإقليمي",
					"الحكومة في {city} تعلن حزمة إصلاحات إدارية تشمل {num} مؤسسة عامة",
					"أحزاب المعارضة في {country} تطالب بحوار وطني شامل قبل الانتخابات المحلية",
				},
				sentences: []string{
					"عقد مجلس النواب في {city} جلسة استثنائية استمرت أكثر من {hours} ساعات، ناقش خلالها النواب بنود مشروع القانون مادةً مادة قبل التصويت عليه بالأغلبية.",
					"وقال رئيس اللجنة القانونية في البرلمان إن التعديلات الجديدة تهدف إلى تعزيز الشفافية وتوسيع مشاركة الشباب والنساء في الحياة السياسية.",
					"في المقابل، اعتبرت كتل المعارضة أن النص المقترح لا يعالج المخاوف المتعلقة بتقسيم الدوائر الانتخابية، ودعت إلى مراجعته قبل إقراره نهائياً.",
					"وأكد المتحدث باسم الحكومة في مؤتمر صحفي أن الإصلاحات ستُنفَّذ على مراحل خلال {months} أشهر، مع مراجعة دورية لنتائجها أمام البرلمان.",
					"ويرى محللون سياسيون أن التصويت يمثل اختباراً مهماً لتماسك الائتلاف الحاكم، خصوصاً بعد الخلافات التي ظهرت خلال الأسابيع الماضية.",
					"وحضر الجلسة {num} نائباً من أصل {total}، فيما غاب عدد من ممثلي الكتل الصغيرة احتجاجاً على جدول الأعمال.",
					"ومن المنتظر أن يُحال القانون إلى مجلس الدولة لمراجعته قبل نشره في الجريدة الرسمية ودخوله حيز التنفيذ.",
					"وكانت منظمات من المجتمع المدني قد قدّمت مذكرة تتضمن مقترحات لضمان نزاهة العملية الانتخابية ومراقبتها من قبل جهات مستقلة.",
				},
			},
			"world": {
				titles: []string{
					"قمة إقليمية في {city} تبحث أزمة المياه وتداعيات التغير المناخي",
					"الأمم المتحدة تحذّر من تفاقم الأوضاع الإنسانية وتدعو إلى فتح ممرات آمنة",
					"{country} تستضيف اجتماعاً دولياً لبحث إعادة الإعمار بمشاركة {num} دولة",
					"مبعوث أممي يصل إلى {city} في جولة جديدة من المشاورات",
				},
				sentences: []string{
					"وصل وفد رفيع المستوى إلى {city} صباح اليوم في زيارة تستغرق يومين، يلتقي خلالها كبار المسؤولين لبحث القضايا ذات الاهتمام المشترك.",
					"وأفاد بيان صادر عن مكتب الأمم المتحدة بأن أكثر من {thousands} ألف شخص يحتاجون إلى مساعدات عاجلة، بينهم عدد كبير من الأطفال وكبار السن.",
					"ودعا المشاركون في الاجتماع إلى تنسيق الجهود الدولية وتقديم الدعم للدول الأكثر تضرراً من موجات الجفاف المتكررة.",
					"وأشار دبلوماسيون إلى أن المحادثات جرت في أجواء إيجابية، وإن كانت الخلافات حول آليات التنفيذ لا تزال قائمة.",
					"وتشهد المنطقة منذ أشهر توتراً متصاعداً انعكس على حركة التجارة والملاحة، ودفع عدداً من الشركات إلى تعديل مساراتها.",
					"ومن المقرر أن يُعقد اجتماع متابعة في {city2} الشهر المقبل لتقييم ما تحقق من الالتزامات التي أُعلنت اليوم.",
					"وقالت منظمات إغاثة إن وصول القوافل إلى المناطق النائية ما زال صعباً بسبب سوء حالة الطرق ونقص الوقود.",
				},
			},
			"economy": {
				titles: []string{
					"البنك المركزي في {country} يُبقي أسعار الفائدة دون تغيير عند {rate}%",
					"ارتفاع الصادرات غير النفطية في {country} بنسبة {pct}% خلال الربع الأخير",
					"بورصة {city} تغلق على ارتفاع مدفوعة بأسهم المصارف والاتصالات",
					"الحكومة تطلق برنامجاً لدعم المشروعات الصغيرة بقيمة {amount} مليون دولار",
				},
				sentences: []string{
					"قرر البنك المركزي الإبقاء على سعر الفائدة الرئيسي دون تغيير في اجتماعه الدوري، مشيراً إلى أن معدلات التضخم بدأت تتراجع تدريجياً.",
					"وأظهرت بيانات رسمية أن معدل التضخم السنوي بلغ {rate}% في الشهر الماضي، مقارنة بنحو {rate2}% في الشهر الذي سبقه.",
					"وأغلق المؤشر العام للبورصة مرتفعاً بنسبة {small}%، بدعم من مكاسب أسهم القطاع المصرفي وشركات الاتصالات.",
					"وقال وزير المالية إن الموازنة الجديدة تركّز على الاستثمار في البنية التحتية والتعليم والصحة، مع خفض تدريجي للعجز.",
					"ويتوقع خبراء اقتصاديون أن يسجّل الناتج المحلي الإجمالي نمواً يتراوح بين {g1} و{g2} في المئة خلال العام الجاري.",
					"وأوضح تقرير صادر عن غرفة التجارة أن الصادرات غير النفطية ارتفعت بدعم من قطاعات الصناعات الغذائية والكيماويات ومواد البناء.",
					"وتسعى الحكومة إلى جذب الاستثمارات الأجنبية المباشرة عبر تبسيط الإجراءات وتقديم حوافز ضريبية للمشروعات في المناطق الصناعية.",
				},
			},
			"sports": {
				titles: []string{
					"منتخب {country} يفوز على منافسه {score} ويقترب من التأهل",
					"نادي {city} يتعاقد مع مدرب جديد لقيادة الفريق في الموسم المقبل",
					"انطلاق بطولة {city} الدولية للتنس بمشاركة {num} لاعباً",
					"الاتحاد يعلن مواعيد مباريات الدور ربع النهائي من الكأس",
				},
				sentences: []string{
					"حقق المنتخب فوزاً ثميناً في المباراة التي أقيمت على ملعب {city} أمام حضور جماهيري كبير، ليرفع رصيده إلى {points} نقطة في صدارة المجموعة.",
					"وافتتح الفريق التسجيل بعد {minute} دقيقة من البداية عبر تسديدة قوية من خارج منطقة الجزاء، قبل أن يضيف الهدف الثاني في الشوط الثاني.",
					"وقال المدرب في المؤتمر الصحفي عقب اللقاء إن اللاعبين التزموا بالخطة الموضوعة، وإن الفريق سيواصل العمل لتحسين الأداء الدفاعي.",
					"ويستعد الفريق لمواجهة صعبة الأسبوع المقبل خارج أرضه، في مباراة قد تحسم بطاقة التأهل إلى الدور التالي.",
					"وأعلن النادي في بيان رسمي التعاقد مع المدرب لمدة موسمين، مع خيار التمديد لموسم ثالث وفق النتائج.",
					"وشهدت البطولة في نسختها الحالية مشاركة واسعة من لاعبين من مختلف القارات، ما يعكس المكانة التي باتت تحظى بها على الصعيد الدولي.",
					"وتعرّض أحد اللاعبين الأساسيين لإصابة في الركبة خلال الحصة التدريبية، ومن المتوقع أن يغيب عن الملاعب لمدة ثلاثة أسابيع.",
				},
			},
		},
		generic: []string{
			"وتأتي هذه التطورات في وقت تشهد فيه المنطقة تحولات سياسية واقتصادية متسارعة تلقي بظلالها على أولويات الحكومات.",
			"ولم يصدر حتى الآن تعليق رسمي من الجهات المعنية على ما ورد في التقارير، فيما وعدت مصادر مطلعة بتوضيحات خلال الأيام المقبلة.",
			"وتابعت وسائل الإعلام المحلية الحدث باهتمام واسع، وخصصت له مساحات كبيرة في نشراتها وبرامجها الحوارية.",
			"وقال {person} لمراسلنا في {city} إن المرحلة المقبلة ستكون حاسمة، وإن النتائج لن تظهر قبل نهاية العام.",
			"وبحسب أرقام رسمية نُشرت هذا الأسبوع، فإن المؤشرات الأخيرة تعدّ الأفضل منذ ثلاث سنوات، رغم استمرار التحديات.",
			"ويرى مراقبون أن نجاح هذه الخطوة يتوقف على قدرة الأطراف المختلفة على تجاوز خلافاتها والالتزام بما جرى الاتفاق عليه.",
			"وفي سياق متصل، أعلنت السلطات عن سلسلة من الاجتماعات التشاورية مع ممثلي القطاع الخاص والنقابات المهنية.",
			"وختم المسؤول حديثه بالتأكيد على أن الأبواب تبقى مفتوحة أمام جميع المقترحات البنّاءة التي تخدم المصلحة العامة.",
		},
		headings:  []string{"خلفية", "ردود الفعل", "الخطوات التالية", "في الأرقام"},
		quote:     "«نحن أمام مرحلة جديدة تتطلب العمل المشترك وتغليب المصلحة العامة على أي اعتبار آخر»، قال {person}.",
		link:      `وكانت <a href="https://news.example/%s/%s/%d/background">تغطيتنا السابقة</a> قد تناولت خلفيات هذا الملف بالتفصيل.`,
		cities:    []string{"القاهرة", "بيروت", "عمّان", "الرياض", "الدوحة", "تونس", "الرباط", "بغداد", "الخرطوم", "الجزائر", "أبوظبي", "الكويت", "مسقط", "دمشق"},
		countries: []string{"مصر", "لبنان", "الأردن", "السعودية", "قطر", "تونس", "المغرب", "العراق", "السودان", "الجزائر", "الإمارات", "الكويت", "عُمان", "سوريا"},
		persons:   []string{"الخبير الاقتصادي سامر يوسف", "الباحث في الشؤون الدولية هاني منصور", "النائب عادل الشامي", "الأستاذ الجامعي فراس الحسن"},
		authors:   []string{"أحمد المصري", "ليلى حداد", "محمد العلي", "سارة الخطيب", "يوسف بن علي", "ريم القاسم", "خالد منصور", "نور الهدى سالم"},
	},
	"en": {
		categories: map[string]categoryPool{
			"politics": {
				titles: []string{
					"{country}'s parliament passes new electoral law after marathon session",
					"{country} foreign minister meets European counterpart on regional cooperation",
					"Government in {city} unveils reform package covering {num} public bodies",
					"Opposition parties in {country} call for national dialogue before local elections",
				},
				sentences: []string{
					"Lawmakers in {city} debated the bill article by article for more than {hours} hours before approving it by a clear majority late on Tuesday.",
					"The head of the parliamentary legal committee said the amendments were designed to strengthen transparency and widen the participation of young people and women in political life.",
					"Opposition blocs argued that the text does not address their concerns about the redrawing of electoral districts and urged the government to revise it before final approval.",
					"A government spokesperson told reporters that the reforms would be rolled out in stages over {months} months, with regular progress reports to parliament.",
					"Political analysts said the vote was an important test of the governing coalition's cohesion after weeks of public disagreements between its partners.",
					"In all, {num} of the {total} members attended the session, while several representatives of smaller blocs stayed away in protest over the agenda.",
					"The law is now expected to go to the council of state for review before it is published in the official gazette and takes effect.",
					"Civil society groups had submitted a memorandum with proposals to safeguard the integrity of the vote, including monitoring by independent observers.",
				},
			},
			"world": {
				titles: []string{
					"Regional summit in {city} tackles water scarcity and climate change",
					"UN warns of worsening humanitarian situation, calls for safe corridors",
					"{country} hosts international reconstruction conference with {num} countries",
					"UN envoy arrives in {city} for new round of consultations",
				},
				sentences: []string{
					"A high-level delegation arrived in {city} on Monday morning for a two-day visit, during which it will meet senior officials to discuss issues of common interest.",
					"A statement from the UN office said more than {thousands},000 people need urgent assistance, many of them children and elderly people.",
					"Participants called for better coordination of international efforts and more support for the countries hit hardest by repeated droughts.",
					"Diplomats said the talks were held in a positive atmosphere, although differences over how to implement the agreements remain.",
					"Tensions in the region have been rising for months, disrupting trade and shipping and prompting several companies to change their routes.",
					"A follow-up meeting is scheduled in {city2} next month to assess progress on the commitments announced on Wednesday.",
					"Aid agencies said convoys were still struggling to reach remote areas because of poor roads and fuel shortages.",
				},
			},
			"economy": {
				titles: []string{
					"{country}'s central bank holds interest rates at {rate}%",
					"Non-oil exports from {country} rise {pct}% in the last quarter",
					"{city} stock exchange closes higher, led by banks and telecoms",
					"Government launches ${amount} million programme to support small businesses",
				},
				sentences: []string{
					"The central bank kept its main policy rate unchanged at its regular meeting, saying inflation had begun to ease gradually.",
					"Official data showed annual inflation at {rate}% last month, compared with about {rate2}% the month before.",
					"The main index closed {small}% higher, supported by gains in banking and telecommunications shares.",
					"The finance minister said the new budget focuses on investment in infrastructure, education and health while gradually reducing the deficit.",
					"Economists expect gross domestic product to grow by between {g1} and {g2} percent this year, helped by tourism and construction.",
					"A chamber of commerce report said non-oil exports were driven by food processing, chemicals and building materials.",
					"The government hopes to attract foreign direct investment by simplifying procedures and offering tax incentives in industrial zones.",
				},
			},
			"sports": {
				titles: []string{
					"{country} beat their rivals {score} to move closer to qualification",
					"{city} club appoints new coach for next season",
					"{city} international tennis tournament opens with {num} players",
					"Federation announces dates for cup quarter-finals",
				},
				sentences: []string{
					"The national team earned a valuable win in front of a large crowd in {city}, taking their tally to {points} points at the top of the group.",
					"The hosts opened the scoring after {minute} minutes with a powerful strike from outside the box, before adding a second goal after the break.",
					"The coach told the post-match news conference that his players had followed the game plan and that the team would keep working on its defence.",
					"The team now faces a difficult away match next week that could decide who goes through to the next round.",
					"The club said in a statement that the coach had signed a two-year contract with an option for a third season depending on results.",
					"This year's edition has drawn players from every continent, a sign of the tournament's growing international standing.",
					"One of the first-choice players injured his knee in training and is expected to be out for around three weeks.",
				},
			},
		},
		generic: []string{
			"The developments come as the region goes through rapid political and economic change that is reshaping governments' priorities.",
			"There was no immediate official comment on the reports, although sources familiar with the matter promised clarification in the coming days.",
			"Local media covered the event closely, devoting long segments of their news bulletins and talk shows to it.",
			"{person} told our correspondent in {city} that the coming period would be decisive and that results would not be visible before the end of the year.",
			"According to official figures published this week, the latest indicators are the best in three years, although challenges remain.",
			"Observers say the success of the move depends on whether the various parties can set aside their differences and stick to what was agreed.",
			"Separately, the authorities announced a series of consultation meetings with representatives of the private sector and professional unions.",
			"The official ended by saying that the door remained open to all constructive proposals that serve the public interest.",
			"Officials said a detailed timetable would be published once the technical committees had completed their work.",
			"The announcement was welcomed by business groups, which had long called for clearer rules and faster decisions.",
		},
		headings:  []string{"Background", "Reactions", "What comes next", "In numbers"},
		quote:     "“This is a new phase that requires working together and putting the public interest before anything else,” said {person}.",
		link:      `Our <a href="https://news.example/%s/%s/%d/background">earlier coverage</a> looked at the background to this story in detail.`,
		cities:    []string{"Cairo", "Beirut", "Amman", "Riyadh", "Doha", "Tunis", "Rabat", "Baghdad", "Khartoum", "Algiers", "Abu Dhabi", "Kuwait City", "Muscat", "Damascus"},
		countries: []string{"Egypt", "Lebanon", "Jordan", "Saudi Arabia", "Qatar", "Tunisia", "Morocco", "Iraq", "Sudan", "Algeria", "the UAE", "Kuwait", "Oman", "Syria"},
		persons:   []string{"Samer Youssef, an economist", "Hala Mansour, a researcher in international affairs", "Adel al-Shami, a member of parliament", "Firas al-Hassan, a university professor"},
		authors:   []string{"Sarah Collins", "James Porter", "Amira Haddad", "Omar Khalil", "Laura Bennett", "Daniel Reyes", "Hannah Weiss", "Karim Nasser"},
	},
}
