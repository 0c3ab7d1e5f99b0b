"""The trigger phrases of the note analysis: what opens a negated, uncertain, history, family,
hypothetical or instruction scope, which way it runs, what only looks like a trigger, and what
ends a scope. Data for :mod:`medcoder_tui.engines.analysis.clinical_text`; general clinical
language (NegEx, ConText), nothing tuned to a note.
"""

from __future__ import annotations

import re
from typing import Literal

ContextKind = Literal["negated", "uncertain", "history", "family", "hypothetical", "instruction"]

_Direction = Literal["forward", "backward", "both"]

_TRIGGERS: list[tuple[ContextKind, _Direction, str]] = []


def _add(kind: ContextKind, direction: _Direction, *phrases: str) -> None:
    for p in phrases:
        _TRIGGERS.append((kind, direction, p))


_add("negated", "forward",
     r"no", r"not", r"denies", r"denied", r"deny", r"denying", r"without", r"negative for", r"ruled out",
     r"rules out", r"no evidence of", r"no signs? of", r"no symptoms of", r"free of", r"absence of",
     r"absent", r"never had", r"never", r"none", r"neither", r"nor", r"fails to reveal",
     r"failed to reveal", r"did not (?:show|reveal|demonstrate|have|present|find)",
     r"does not (?:show|reveal|demonstrate|have|present)", r"do not have", r"doesn't have",
     r"didn't have",
     # "Not seen: fracture" looks ahead; "pneumothorax not seen" looks back (the backward trigger)
     r"not (?:seen|found|detected|present|demonstrated|observed)(?=\s*:)",
     r"no (?:history|hx) of", r"resolution of", r"unremarkable for", r"excluded", r"exclusion of",
     r"w/o", r"ø", r"negative (?:study|result|test) for",
     # "Biopsy was negative for malignancy" looks ahead (the backward "was negative" gives way)
     r"(?:was|were|is|are|came back|returned|tested|proved) negative for",
     # "ROS neg for fever, cough", "neg: CP, SOB"
     r"neg(?:\.|ative)? for", r"neg:",
     # "not yet at work": "yet" would otherwise end the scope as a contrast
     r"not yet",
     # "Pregnancy test neg - excludes ectopic"
     r"excludes")
_add("negated", "backward",
     # "ACS ruled out this visit": followed by when/how or the clause's end, "ruled out" looks back
     # ("ACS ruled out (negative serial troponins)": the parenthesis says how)
     r"ruled out(?=\s+(?:this|on|today|during|by|at|with|after|clinically|for)\b|[ \t]*(?:[.,;:()\n]|-\s|$))",
     # "fx and ICH excluded.", "PE excluded by CTA", "2. NSTEMI ruled out" at a line's end, "ACS ruled out - ..."
     r"excluded(?=\s+(?:by|on|with|clinically|for)\b|[ \t]*(?:[.,;:()\n]|-\s|$))",
     # "autism spectrum disorder not suspected at this time": the writer suspects it not
     r"(?:is |was |are |were )?not (?:suspected|considered likely)",
     r"(?:was|were|is|are|been|be) (?:ruled out|excluded|negative(?! for\b)|absent|not (?:seen|found|detected|present))",
     r"(?:came back|returned|tested) negative(?! for\b)", r"not (?:seen|found|detected|identified|observed|diagnosed(?! with\b| as\b))",
     # "(osteoporosis not yet diagnosed)", "not yet confirmed": a condition the workup has still to find
     r"not yet (?:been )?(?:diagnosed|confirmed|established)(?! with\b| as\b)",
     # "Possible pneumonia on the admission film was not confirmed": the workup set it aside
     r"(?:was|were|is|are|been) not (?:confirmed|substantiated|borne out)",
     # "Wernicke encephalopathy not suspected clinically", "SBP not possible without ascites"
     # ("PERC negative - PE not pursued.": too unlikely to look for)
     # ("Sepsis not suspected by the admitting team")
     r"(?:(?:was|were|is|are) )?not (?:suspected|possible|favou?red|pursued)(?=\s+(?:clinically|without|given|as|because|by|"
     r"per|on)\b|"
     r"[ \t]*(?:[.,;:()\n]|-\s|$))",
     # "So pneumonia is not supported.": the workup does not bear it out
     r"(?:was|were|is|are|been) not supported",
     # "< 30% stenosis bilat - not significant": a finding the reader sets aside
     r"(?:(?:is|was|were|are) )?not (?:hemodynamically |clinically )?significant",
     # "Concussion sx screen negative": the screen rules the condition out
     r"(?:sx |symptom )?screen(?:ing)? (?:was |is )?negative",
     # "Heart and lungs normal.": the organs named are normal, not diseased
     # ("Cranial nerves II-XII intact;": the nerves named work, they are not diseased)
     # ("HIV Ag/Ab neg 11/2026.": a result dated after it)
     r"(?:negative|neg|nonreactive|non-reactive|unremarkable|normal|wnl|within normal limits|(?:grossly )?intact)"
     # ("Influenza negative - not influenza": a dash after the verdict ends its item too)
     r"(?=\s*(?:\(?(?:\d{1,2}/){1,2}\d{2,4}\)?\s*)?(?:[.,;)]|[ \t]-\s|$)|"
     # ("Influenza neg by rapid test; no oseltamivir": the test that gave the verdict after it)
     r"\s+(?:by|on|per)\s+(?:[\w/-]+\s+){0,2}?(?:test(?:ing)?|swab|pcr|antigen|culture|screen|assay|cta?|x-?ray|xr|"
     r"imaging|ultrasound|us|mri)\b)", r"ruled out")
_add("uncertain", "forward",
     # ("CT to exclude intracranial bleeding", "evaluate for fracture": what a test looks for)
     r"r/o", r"rule out", r"ruling out", r"to rule out", r"to exclude", r"to evaluate for", r"to assess for",
     # "Exercise treadmill test, to look for exercise-induced arrhythmia": what a test searches for
     r"to look for", r"looking for", r"to screen for", r"to check for",
     # ("antrum biopsied for H. pylori", "swabbed for strep": what a specimen is taken to look for)
     r"(?:biopsied|biopsies (?:taken|obtained|sent)|tested|swabbed|cultured) for",
     r"possible", r"possibly", r"probable", r"probably",
     r"likely", r"suspected", r"suspect", r"suspicious for", r"suspicion of", r"questionable", r"question of",
     r"cannot exclude", r"cannot rule out", r"can't rule out", r"could not exclude",
     r"cannot be excluded", r"concern for", r"concerning for", r"consider", r"considered",
     # ("Differential incl. AAA (...), appendicitis": the abbreviation's period ends no scope)
     # (the bare word before a colon is the label below: "Differential: stone, pyelonephritis")
     r"differential(?!(?: diagnos[ie]s)?(?: considered)?\s*:)(?: diagnos[ie]s)?(?: includes?| of| incl\.| including)?",
     r"ddx(?! considered\s*:)(?: includes?| of| incl\.| including)?(?!\s*:)", r"d/dx(?: includes?| of)?(?!\s*:)",
     # "DDx: appendicitis vs ovarian cyst": the label's list is the differential (the colon ends no scope here)
     r"(?:ddx|d/dx|differential(?: diagnos[ie]s)?)(?: considered)?\s*:",
     r"presumed", r"presumptive", r"apparent",
     r"may (?:have|be|represent)", r"might (?:have|be)", r"compatible with", r"consistent with",
     r"suggestive of", r"suggests?", r"worrisome for", r"equivocal", r"\?",
     # "Doubt pyelonephritis.", "doubtful for appendicitis", "low suspicion for PE" (and, looking back, "less
     # likely", "doubtful"): a diagnosis the writer leans against is still not established
     r"doubt(?:ful)?(?: (?:of|for))?", r"suspicion for",
     *(rf"(?<={lead})less likely(?= [a-z])" for lead in ("; ", ", ", ": ", "- ", "\n")),
     # ("low suspicion SAH (Ottawa rule negative)", "high suspicion PE": the grade of a suspicion, its object after it)
     r"(?:low|lower|high|moderate|strong|clinical) suspicion(?: (?:of|for))?",
     # "a high pretest probability of obstructive sleep apnea": a likelihood, not a diagnosis
     r"(?:(?:high|low|moderate|intermediate) )?(?:pre-?test )?probability of", r"likelihood of",
     # a label in quotation marks is someone's word for it, not the writer's diagnosis: 'took amoxicillin at urgent
     # care for "bronchitis"', 'told she had a "touch of pneumonia"'
     r"(?:for|with|as|had|has|of|called it|calls it)(?=[ \t]+(?:an? )?[\"\u201c][a-z][a-z /-]{2,40}[\"\u201d])")
_add("uncertain", "backward",
     # "paroxysmal SVT suspected (possible AVNRT) vs PACs": a postposed "suspected" ends its clause
     r"suspected(?=[ \t]*(?:[.,;:()]|$|vs\b|versus\b))",
     # "Sepsis considered on arrival (HR, RR, WBC) - ...": what the writer considered is a possibility
     # ("AAA considered given age/HTN - CT shows normal aorta": and why it was)
     r"(?:was |were )?considered(?=[ \t]+(?:on|at|in|initially|early|but|and|given|because|due|as|for)\b|"
     r"[ \t]*(?:[.,;:()]|-\s|$))",
     r"(?:is|was|are|were|remains?) (?:unlikely|suspected|possible|probable|questionable|not excluded)",
     # "SIADH from SSRI is a consideration", "PE remains a possibility", "... are on the differential"
     r"(?:is|was|are|were|remains?) (?:also |still )?(?:a |an |another )?(?:consideration|possibility|"
     r"differential consideration)", r"(?:is|was|are|were|remains?) (?:also |still )?(?:on|in) the differential",
     r"cannot be (?:(?:entirely|completely|fully|totally|definitively) )?(?:excluded|ruled out)",
     r"(?:was|were|is) not (?:excluded|ruled out)", r"unlikely",
     # "PE low risk (PERC neg)", "ACS low probability": a condition weighed and found unlikely
     # (not a glaucoma suspect's grade: "open angle with borderline findings, low risk", H40.01-)
     r"(?<!findings, )(?<!findings )(?:very )?low[- ](?:risk|probability|likelihood|suspicion)"
     r"(?=[ \t]*(?:\(|[.,;:]|$|by\b|per\b))",
     r"not excluded", r"not ruled out", r"not been (?:excluded|ruled out)", r"is being ruled out",
     r"to be ruled out", r"(?:is |seems |appears )?doubtful(?! (?:for|of)\b)",
     # ("nephrolithiasis less likely."; "...; less likely neoplasm given age", opening its clause, looks ahead: above)
     r"less likely",
     # "...; the diagnosis is not yet established" (a workup that did not confirm it ruled it out: negated)
     r"(?:(?:the )?diagnosis )?(?:is |was )?not yet (?:established|confirmed)",
     r"(?:the )?diagnosis (?:is |was )?not (?:established|confirmed)",
     # "Mild antral gastritis? - biopsies pending": a question mark after a diagnosis questions it
     r"(?<=[a-z0-9])\?",
     # "febrile toddler with URI sx", "cold symptoms": the symptoms such an infection has, not the infection diagnosed
     *(rf"(?<={lead} )(?:sx|symptoms)\b" for lead in ("uri", "cold", "viral", "uti")))
# "tension-type vs migraine", "diverticulitis versus colitis": both sides of a comparison are possibilities (the
# side before it from its own list item on: "acute headache, tension-type vs migraine" keeps the headache)
_add("uncertain", "both", r"vs\.?", r"versus")
_add("history", "forward",
     # "Established patient (last seen here 09/2025 for UTI)": an earlier visit's reason
     r"(?:last|previously|prior(?:ly)?) seen (?:here |in (?:this )?clinic |by me )?(?:on |in )?(?:[\d/-]+ )?for",
     # "Established patient (last seen 2025, sinusitis)": the earlier visit's date, then its reason
     r"(?:last|previously|prior(?:ly)?) seen (?:here |in (?:this )?clinic |by me )?(?:on |in )?[\d/-]{4,10},",
     # "poor appetite x 10 days after viral illness": the infection that came before what the visit is for
     r"(?:after|following)(?= (?:a |an |the |his |her |their |recent )*(?:viral |bacterial |febrile )?"
     r"(?:illness|infection|uri|cold|flu|influenza|gastroenteritis|bronchitis)\b)",
     # "INR high from eating less during recent viral illness": an illness that is over ("during viral illness" alone
     # may be now)
     r"during(?= (?:a |an |the |his |her |their )?recent (?:viral |bacterial |febrile )?"
     r"(?:illness|infection|uri|cold|flu|influenza|gastroenteritis|bronchitis)\b)",
     # "diagnosed 2019 when hospitalized with Pneumocystis pneumonia": the illness of a past admission
     r"when (?:(?:he|she|they) (?:was|were) )?(?:hospitali[sz]ed|admitted) (?:with|for)",
     r"history of", r"hx of", r"hx(?=[ \t]+[a-z])", r"h/o", r"s/p", r"status post", r"prior", r"previous", r"previously",
     r"past", r"former", r"formerly", r"old", r"remote", r"in the past", r"childhood", r"treated for",
     r"personal history of",
     # "hemiparesis as sequela of R MCA stroke": the condition a sequela is of is a past one (I.B.10)
     r"as (?:a )?(?:sequela|sequelae) of", r"(?:sequela|sequelae) of", r"late effects? of", r"residual (?:of|from)",
     # "post-stroke f/u", "post-CVA spasticity": after the event, so the event is past
     # ("post-pneumonia recheck": after the infection, now treated; not "post-influenza MRSA pneumonia", the
     # bacterial pneumonia that follows the flu)
     r"post(?=[- ](?:stroke|cva|mi|infarct\w*|pneumonia|bronchitis|cellulitis|pyelonephritis)\b)",
     # "healed tibial plateau fracture", "well-healed scar of the incision": an injury that has healed
     # ("partially healed", "not yet healed", "poorly healed": still healing)
     r"(?:well[- ])?(?<!partially )(?<!not )(?<!yet )(?<!poorly )(?<!incompletely )healed"
     r"(?= (?:[\w-]+ ){0,3}(?:fractures?|fx|ulcers?|wounds?|lacerations?|incisions?)\b)",
     # "quit smoking 2019, 50 pack-years", "stopped smoking in 2010": a habit given up is a past one
     r"(?:quit|stopped|gave up)(?= (?:smoking|tobacco|cigarettes|cigs|chewing tobacco|vaping)\b)",
     # "Impression: resolved RLL pneumonia": the adjective before the condition ("resolved with", "resolved after"
     # look back at what resolved)
     r"(?:now |fully |completely |clinically |radiographically )?resolved(?= (?!with|w/|after|on|by|in|at|over|and|but|or|"
     r"since|without|following|within|now|today|yesterday|completely|fully|spontaneously|quickly)[a-z])")
_add("history", "backward",
     # "a head cold with sore throat and runny nose, which have cleared": gone before this visit
     r"(?:which |that )?(?:has|have|had) (?:since |now |all |both )?(?:cleared|resolved|gone away)",
     r"resolved", r"in the past", r"(?:years?|months?) ago",
     # "CAP - clinically and radiographically resolved": the words that say how it resolved are the trigger's
     r"(?:clinically|radiographically|completely|fully|now)(?:,? and (?:clinically|radiographically))? resolved", r"(?:was|were) treated", r"(?<!not )in remission",
     # "Mild diaper rash last month cleared with zinc paste, none now": cleared by its treatment, gone today
     r"cleared(?= (?:with|after|on|by|up)\b)", r"none (?:now|currently|today|since)",
     r"in childhood", r"passed spontaneously", r"none since", r"no recurrence since",
     # "thrush last summer", "pneumonia last winter": an earlier season's episode
     # (not "last year": "type 2 diabetes diagnosed last year, on metformin" is today's condition)
     r"last (?:summer|winter|spring|autumn|fall)",
     # "Cataracts s/p surgery OU": the condition its operation removed
     r"(?:s/p|status post) (?:surgery|surgical (?:repair|removal|excision)|removal|extraction|excision|resection|repair)",
     # "Diabetic foot ulcer - healed.", "the plantar ulcer ... has since healed (epithelialized 01/20)"
     r"(?<!well-)(?<!well )healed(?=\s*(?:[.,;(]|$))",
     # "nephrolithiasis (passed)": a stone that passed is a past one
     r"passed(?=\s*\))",
     # "smoked 1 ppd x 20 yrs, quit 2012", "pipe smoker - quit 10 years ago"
     r"quit(?: in)? (?:(?:19|20)\d{2}|\d+ (?:years?|yrs?|months?|mos?) ago)")
# "low risk", "high risk": a grade of what was found, not a risk of something else
_UNGRADED = r"(?<!low )(?<!high )(?<!moderate )(?<!intermediate )(?<!average )(?<!increased )(?<!elevated )"
# ConText's "hypothetical": return precautions and conditions ("return if SOB", "if CXR negative,
# likely viral bronchitis") name findings the patient does not have now.
_add("hypothetical", "forward",
     # "Offered HIV/syphilis - declined": what is offered is a test or a treatment, not a finding
     r"offered",
     # "comfort-focused approach to any future cardiac arrest": what has not happened
     r"(?:any |a )?future",
     r"if", r"should (?:he|she|they|pt|patient|the patient) (?:develop|experience|have|notice)",
     r"return (?:precautions|to (?:the )?(?:ed|er|clinic|office)) (?:for|if)", r"call (?:if|for)",
     # "return precautions (fever, vomiting)", "return for heavy bleeding, fever", "RTC if worse"
     r"return precautions", r"(?:return|er|ed|strict) precautions(?: (?:reviewed|given|discussed|provided|reviewed with \w+))?\s*:", r"(?:return|come back|rtc|rtec|seek (?:medical )?(?:care|attention)|"
     r"go to (?:the )?(?:ed|er|emergency (?:room|department)))(?:\s*(?:/|or)\s*(?:the )?(?:ed|er|clinic|office))?"
     r" (?:for|if|with|should|immediately (?:for|if))",   # ("Return/ED for SpO2 <92%, confusion")
     r"(?:ed|er) precautions", r"(?:or )?sooner (?:w/|with|for|if)",
     # "RTC 72 h; to ED for worsening SOB, CP, syncope": where to go if it gets worse ("sent to ED for chest pain"
     # is a finding: only what may worsen or come)
     r"to (?:the )?(?:ed|er) (?:for|with|if)(?= (?:any )?(?:worsening|worse|new|increased|increasing|recurrent)\b)",
     # patient education: "Signs of infection reviewed", "warning signs of stroke discussed", "Red flags (urinary
     # retention, saddle numbness) reviewed"
     r"warning signs? (?:of|for)",
     # "Reviewed signs to return (spreading to legs, poor feeding, lethargy)", "reasons to return: fever"
     r"(?:signs?|reasons?|symptoms?|when) to (?:return|come back|call|seek care)(?: (?:for|if|include|such as))?",
     r"red flags?(?: (?:reviewed|discussed|to watch for|include|such as|for))?",
     # "counselled on sedation, weakness", "counselled dizziness, PR interval": the drug's possible effects, not
     # findings
     r"(?:counseled|counselled)(?: (?:on|about|regarding|re))?", r"(?:possible|potential|side) (?:side )?effects? (?:include|including|of|such as)",
     r"signs? (?:and symptoms )?of(?=[a-z ,/]{1,60}? (?:reviewed|discussed|explained|taught|given))",
     # "Bleeding precautions (soaking > 1 pad/h, severe pain, syncope)": what the patient is to watch for
     r"precautions(?=\s*\()",
     r"watch for", r"monitor for", r"in case of",
     # "clinical reassessment yearly for new HTN/diabetes/cushingoid features": what a later check looks for
     # (whole words: a trigger's first word is looked up as written)
     r"(?:reassessment|reassess|reevaluation|reevaluate|surveillance|screening|screen|monitoring|monitor) "
     r"(?:\w+ ){0,2}for (?:any|new|the development of)", r"precautions (?:for|regarding|re)", r"as needed for",
     r"prn for", r"prn(?= [a-z])", r"unless",   # ("cyclobenzaprine qhs PRN spasm": what the drug is for, if it comes)
     # consent discussions: "Risks/benefits/alternatives discussed incl. infection, DVT" are not findings
     r"risks?\s*/\s*benefits?(?:\s*/\s*alternatives?)?", r"risks?,? benefits?,? and alternatives?",
     # "Consent: R/B/A reviewed incl bleeding, infection, scar": the abbreviation of the same
     r"r\s*/\s*b(?:\s*/\s*a)?(?=\s)", r"rba(?=\s)",
     r"risks? (?:include|including|incl\.?|of|such as|discussed|reviewed|explained)", _UNGRADED + r"risks?(?=\s*[(:])",
     r"(?:potential|possible) complications?", r"complications? (?:include|including|such as)",
     # "Potential for progression to apnea/hypotension in first 12-24h": what may come
     r"(?:potential|risk) (?:for|of) (?:progression to|developing)", r"(?:potential|at risk) for",
     # "Counselling completed earlier in the visit (efficacy, bleeding changes, perforation, infection)": the
     # counselled risks in the parenthesis after it
     # (the trigger takes the parenthesis in: its list of risks may be longer than a scope's ten words)
     r"(?:counselling|counseling) (?:was )?(?:completed|given|provided|done)[^.(\n]{0,40}\([^()\n]{0,200}(?=\))",
     # ("Consent signed after risk/benefit discussion (weakness, dysphagia, spread of toxin effect)")
     r"risks?\s*/\s*benefits?(?:\s*/\s*alternatives?)?\s+(?:discussion|discussed|reviewed|explained)"
     r"[^.(\n]{0,20}\([^()\n]{0,200}(?=\))",
     # "Discussed ONJ, atypical femur fracture, hypocalcemia, and rebound fractures if stopped": a treatment's risks
     # ("Start topiramate ... Reviewed paresthesias, cognitive effects, kidney stones": the new drug's effects)
     # ("Reviewed GI s/e, activation, serotonin syndrome warning": s/e, the side effects)
     r"(?:discussed|reviewed)(?=[^.\n]{0,120}\b(?:risks?|(?:side |adverse |cognitive )effects?|s/e|"
     r"if (?:stopped|not treated|untreated|discontinued)|complications?)\b)",
     # a risk calculator's figures ("FRAX 10-yr major osteoporotic fracture 28%, hip 6.1%") are odds
     r"frax",
     # what the patient fears or believes is happening: "I keep thinking I'm having a heart attack", "afraid of
     # getting a stroke", "worried she has cancer" (not "worried about his cough": the cough is had)
     r"(?:keeps? |kept )?(?:thinking|thinks|thought|convinced|believes|believed|sure) (?:that )?(?:i|he|she|they)"
     r"(?:'m| am|'s| is| was| were| are| have| has| had|'ve)(?: (?:having|dying of|got|getting))?",
     r"(?:afraid|scared|worried|fearful|fears?|feared) (?:of |about )?(?:having|dying of|getting|developing)",
     # the method a suicidal or homicidal plan names has not happened: "+ SI with plan (hanging)", "HI with a plan to
     # shoot", "a voice telling him he should hang himself"
     # (the plan's own words, not the ideation's, which is had: "Suicidal ideation with plan (no attempt)")
     *(rf"(?<={re.escape(lead)} )plan(?: and intent)?(?:(?=\s*\()| to| of| by|\s*:)"
       for lead in ("si with", "si w/", "si +", "si with a", "ideation with", "ideation with a", "thoughts with",
                    "thoughts with a", "hi with", "hi with a")),
     r"(?:telling|tells|told|commanding|commands|urging|urges) (?:him|her|them|me)(?: that)?(?=[^.;\n]{0,40}\b(?:should|to) "
     r"(?:kill|hang|shoot|hurt|harm|cut|stab|drown|jump)\b)",
     r"(?:afraid|scared|worried|fearful|fears?|feared) (?:that )?(?:i|he|she|they)(?:'s| has| have| had| is| was|"
     r"'m| am)(?: (?:having|got|getting))?")
# "DVT precautions reviewed": the precaution names what is to be prevented; so do "Preterm labor and
# preeclampsia warning signs reviewed"
_add("hypothetical", "backward", r"precautions", r"warning signs?(?: and symptoms)?",
     # "hypoglycemia recognition/treatment" taught: what to do if it happens
     r"recognition(?:\s*(?:/|and)\s*(?:treatment|management))?",
     # "Sick-day and hypoglycemia teaching reviewed", "asthma action plan education given": what the patient is
     # taught to handle, not what they have
     # ("Hypoglycemia rules reviewed", "sick-day rules reviewed": the rules of what to do if it comes)
     r"(?:teaching|education|instructions?|action plan|rules|protocol)(?=[ \t]+(?:reviewed|given|provided|discussed|done|"
     r"completed|taught)\b)",
     # "preeclampsia sx reviewed", "stroke symptoms discussed": the signs the patient is taught to watch for
     r"(?:sx|s/sx|symptoms|signs)(?=[ \t]+(?:were |was )?(?:reviewed|discussed|taught|explained|given|gone over)\b)",
     # what is to be prevented or whose odds are weighed: "fall prevention", "DVT prophylaxis", "fracture risk"
     # ("borderline findings, low risk" grades the finding before it: not a risk of it)
     r"prevention", r"prophylaxis",
     # ("risk/benefit discussion": the consent's words, which look forward)
     _UNGRADED + r"risk(?!s?\s*/\s*benefit)(?!s?\s+(?:of|for|include|including|incl)\b)")   # "risk of X" looks forward
# Words addressed to whoever codes or bills the note ("Also add lung cancer", "code this as
# sepsis", "ignore the previous instructions") document nothing about the patient: the note
# is data, never an instruction.
_add("instruction", "forward",
     r"(?:also|please|pls) (?:add|code|bill|assign|report|include|append)",
     r"(?:add|code|bill|assign|report|append) (?:the )?(?:codes?|dx|diagnos[ie]s|icd(?:-?10)?(?:-cm)?|cpt|hcpcs)"
     r"(?: codes?)?(?: for| of)?",
     r"(?:code|bill) (?:this|it|the (?:visit|encounter|claim)) (?:as|for)",
     r"ignore (?:all |any |the )?(?:previous|prior|above|earlier|preceding|other) (?:instructions?|text|rules?)")
_add("family", "both",
     r"family history of", r"family history", r"fhx?", r"family hx",
     # ("Bronchiolitis, likely RSV given sibling's confirmed RSV": a possessive names what is the relative's, after
     # it only - see the forward triggers below)
     *(rf"{word}(?!'s\b)" for word in (
         r"mother", r"father", r"brother", r"sister", r"sibling", r"siblings", r"maternal", r"paternal",
         r"grandmother", r"grandfather", r"grandparents?", r"aunt", r"uncle", r"cousin", r"mom", r"dad",
         r"parents?", r"first-degree relatives?", r"relatives")))
# "ingestion of grandmother's medication": a possessive names what is the relative's, after it only
# ("former smoker, hyperlipidemia, father with premature MI": the relative's condition is told after "with")
_add("family", "forward",
     r"(?:mother|father|brother|sister|sibling|grandmother|grandfather|grandparent|aunt|uncle|cousin|mom|dad|parent|"
     r"parents)'s",
     r"(?:mother|father|brother|sister|grandmother|grandfather|aunt|uncle|mom|dad)\s+(?:with|had|died (?:of|from)|"
     r"diagnosed with)",
     # "a needlestick from a source patient known to be HIV positive with chronic hepatitis C": another
     # person's conditions, the patient's exposure (Z20), not the patient's disease
     r"source (?:patient|individual|person)(?:'s)?")

# Phrases that contain a trigger word but open no scope.
_PSEUDO = (
    r"no (?:change|changes|increase|decrease|further|longer|significant change|interval change)",
    r"not (?:only|necessarily|certain (?:if|whether)|well|able|improv\w*|respond\w*|tolerat\w*)",
    # "steroids (not indicated in bronchiolitis)": the treatment is what is not indicated, in a condition the patient has
    r"not (?:indicated|needed|required|recommended|necessary|warranted|helpful|useful|effective) (?:in|for|with)",
    # "preeclampsia without severe features" names a kind (mild to moderate), it negates nothing
    r"without (?:difficulty|complications?|incident|problems?|severe features)", r"gram[- ]negative", r"gram[- ]positive",
    r"no one",
    # an obstetric note's own patient: "advanced maternal age", "maternal-fetal medicine", "maternal HR 88"
    r"maternal[- ](?:age|fetal|fever|heart rate|hr|weight|serum|vital signs|vitals)",
    r"no known allergies", r"non[- ]?(?:smoker|drinker)",
    # "no health insurance", "without insurance": the lack is the finding (Z59.71), nothing after it is denied
    r"(?:no|without|lack of) (?:health |dental |medical )?insurance", r"rh negative", r"triple negative",
    r"her2[- ]negative", r"estrogen receptor negative", r"negative (?:pressure|feedback|predictive)",
    r"past (?:week|weeks|month|months|day|days|year|few|several)", r"known to", r"history and physical",
    r"(?:years?|months?|days?) old", r"(?:year|month|day)-old",
    # a collision, not a differential: "car driver vs car", "pedestrian vs auto"
    r"(?:car|auto|vehicle|truck|bus|van|suv|pedestrian|ped|bicycle|bike|bicyclist|cyclist|motorcycle|"
    r"driver|passenger|mvc|mva) vs\.?",
    # a relative who came along, lives with the patient or tells the story: no family history ("walking the dog on
    # the sidewalk with his mother", "brought in by her father", "per mom")
    r"(?:accompanied by|brought (?:in )?by|here with|lives with|living with|with|per) (?:his |her |their |the )?"
    r"(?:mother|father|mom|dad|parents?|grandmother|grandfather|grandparents?)",
)

# Words that end a scope: a new clause, a contrast, or a cause.
_TERMINATORS = re.compile(
    r"\b(?:but|however|although|though|yet|except|aside from|apart from|because|due to|secondary to|"
    r"which|who|whose|presents?|presented|presenting|complains?|complained|complaining|reports?|reported|"
    r"states?|stated|reveals?|revealed|showed|shows|found|admitted|developed|started|began|now|currently|"
    r"since|after|then|and (?:has|had|is|was|presents|developed|now)|cause of|etiology|source of|"
    r"reason for|as well as|(?:indicated|needed|required|recommended|necessary|warranted|helpful|useful|effective) "
    r"(?:in|for|with))\b|[;:]|\s-\s|"
    # "negative for both, and a two-view chest x-ray": the pronoun is all the negation names
    r"(?:(?<=\bboth)|(?<=\beither)|(?<=\bneither)|(?<=\bthem))\s*,",
    re.IGNORECASE,
)
