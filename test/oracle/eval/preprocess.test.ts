import { expect } from "chai";
import { canonicalForm, normalizeText, preprocess } from "../../../oracle/src/eval/preprocess";

describe("preprocess", function () {
  describe("normalizeText", function () {
    it("composes to NFC", function () {
      expect(normalizeText("cafe\u0301")).to.equal("caf\u00e9");
    });

    it("drops invisible and control characters", function () {
      expect(normalizeText("in\u200bde\u00adx\u0007 \ufeffok")).to.equal("index ok");
    });

    it("collapses horizontal whitespace, keeps paragraph breaks, and trims", function () {
      expect(normalizeText("  a \t b\u00a0 c \r\n\r\n\r\n\r\n d  \n e  ")).to.equal("a b c\n\nd\ne");
    });
  });

  describe("canonicalForm", function () {
    it("ignores case and whitespace layout", function () {
      expect(canonicalForm(normalizeText("Hello   World\n\nAgain"))).to.equal(canonicalForm(normalizeText("hello world again")));
    });
  });

  describe("measurements", function () {
    const text = [
      "# Heat pump numbers",
      "",
      "In January 2024 the unit used 620 kWh and delivered 1,790 kWh of heat. That is a COP of 2.9, according to the meter.",
      "",
      "- Flow temperature: 45 °C",
      "- Cost: €198 at 0.32 €/kWh",
      "",
      "Sources: https://www.ise.fraunhofer.de/en.html and https://example.org/report.pdf [1].",
    ].join("\n");
    const doc = preprocess(text);

    it("counts words, sentences and paragraphs", function () {
      expect(doc.length.words).to.equal(doc.tokens.length);
      expect(doc.length.sentences).to.equal(6);
      expect(doc.structure.paragraphs).to.equal(4);
      expect(doc.length.chars).to.equal(doc.text.length);
    });

    it("finds headings, list items and links with their domains", function () {
      expect(doc.structure.headings).to.equal(1);
      expect(doc.structure.listItems).to.equal(2);
      expect(doc.structure.links).to.deep.equal(["https://www.ise.fraunhofer.de/en.html", "https://example.org/report.pdf"]);
      expect(doc.structure.domains).to.deep.equal(["example.org", "ise.fraunhofer.de"]);
    });

    it("leaves URLs out of the word tokens", function () {
      expect(doc.tokens).to.not.include("https");
      expect(doc.tokens).to.not.include("fraunhofer");
    });

    it("counts numbers, quantities with units, dates and citations", function () {
      expect(doc.structure.numbers).to.equal(8);
      expect(doc.structure.numbersWithUnits).to.equal(5);
      expect(doc.structure.dates).to.equal(1);
      expect(doc.structure.citations).to.equal(3);
    });

    it("counts code points, not UTF-16 units", function () {
      expect(preprocess("a😀b").length.chars).to.equal(3);
    });

    it("measures shouting, stretched words and repeated lines", function () {
      const loud = preprocess("THIS IS AMAZING!!! Sooooo good!!\nTHIS IS AMAZING!!!\nTHIS IS AMAZING!!!");
      expect(loud.style.upperCaseRatio).to.be.greaterThan(0.6);
      expect(loud.style.exclamationRuns).to.equal(4);
      expect(loud.style.repeatedCharRuns).to.equal(1);
      expect(loud.style.repeatedLines).to.equal(1);
    });

    it("scores repetitive text lower on lexical diversity", function () {
      const varied = preprocess(
        "The committee met on Tuesday to review the budget, discuss staffing changes, approve two grants and plan next year's public consultation on cycling routes, parking fees and school transport. Each proposal was debated separately before voting.",
      );
      const repetitive = preprocess(Array.from({ length: 12 }, () => "buy the best product now").join(" "));
      expect(varied.style.lexicalDiversity).to.be.greaterThan(0.8);
      expect(repetitive.style.lexicalDiversity).to.be.lessThan(0.2);
    });

    it("counts capitalized names inside sentences as named specifics", function () {
      expect(preprocess("We flew from Lisbon to Porto with TAP in May.").style.namedSpecifics).to.equal(4);
      expect(preprocess("we flew somewhere with someone in spring.").style.namedSpecifics).to.equal(0);
    });
  });

  describe("language", function () {
    const samples: [string, string][] = [
      ["en", "The council approved the new budget for the city's public libraries on Monday evening."],
      ["es", "El ayuntamiento aprobó ayer el presupuesto de las bibliotecas para el año que viene."],
      ["fr", "Le conseil municipal a approuvé le budget des bibliothèques pour l'année prochaine."],
      ["de", "Der Stadtrat hat am Montag den Haushalt für die öffentlichen Bibliotheken beschlossen."],
      ["it", "Il consiglio comunale ha approvato il bilancio delle biblioteche per il prossimo anno."],
      ["pt", "A câmara municipal aprovou o orçamento das bibliotecas para o próximo ano que vem."],
      ["nl", "De gemeenteraad heeft het budget voor de openbare bibliotheken op maandag goedgekeurd."],
      ["ru", "Городской совет в понедельник утвердил бюджет публичных библиотек на следующий год."],
      ["ja", "市議会は月曜日に来年度の図書館の予算を承認しました。"],
      ["zh", "市议会周一批准了明年公共图书馆的预算。"],
      ["ko", "시의회는 월요일에 내년 공공 도서관 예산을 승인했습니다."],
      ["el", "Το δημοτικό συμβούλιο ενέκρινε τον προϋπολογισμό των βιβλιοθηκών."],
    ];
    for (const [code, text] of samples) {
      it(`detects ${code}`, function () {
        expect(preprocess(text).language.code).to.equal(code);
      });
    }

    it("is undetermined for text without letters", function () {
      expect(preprocess("123 456 789").language).to.deep.equal({ code: "und", confidence: 0, method: "none" });
      expect(preprocess("").language.code).to.equal("und");
    });

    it("splits Han and kana into one token per character", function () {
      expect(preprocess("図書館 library").tokens).to.deep.equal(["図", "書", "館", "library"]);
    });
  });

  it("is deterministic", function () {
    const text = "Deterministic: 42 items, 3.5 kg, https://example.com. Ünïcödé too!";
    expect(preprocess(text)).to.deep.equal(preprocess(text));
  });

  it("handles an empty text", function () {
    const doc = preprocess(" \n\t ");
    expect(doc.text).to.equal("");
    expect(doc.length).to.deep.include({ words: 0, sentences: 0, chars: 0 });
    expect(doc.structure.paragraphs).to.equal(0);
  });
});
