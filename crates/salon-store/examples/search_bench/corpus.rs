//! The notes the search benchmark fills its stores with: the worst case (a few words, each in
//! about half the notes) and a realistic corpus (a long tail of words, with full- and
//! half-width forms). The same notes on every run.

const WORDS: &[&str] = &[
    "面接",
    "履歴書",
    "パン屋",
    "アルバイト",
    "進学",
    "家族",
    "体調",
    "友達",
    "親",
    "大学",
    "専門学校",
    "オープンキャンパス",
    "求人票",
    "志望動機",
    "不安",
    "担任",
    "バイト",
    "コンビニ",
    "部活",
    "レポート",
    "スクーリング",
    "将来",
    "就職",
    "相談",
    "学費",
    "奨学金",
    "通学",
    "朝起きられない",
    "ゲーム",
    "イラスト",
    "介護",
    "保育",
    "調理",
    "自動車",
    "資格",
    "英検",
    "漢検",
    "SPI",
    "ハローワーク",
    "職場見学",
    "インターン",
    "妹",
    "弟",
];
const GLUE: &[&str] = &[
    "の",
    "が",
    "を",
    "に",
    "と",
    "で",
    "は",
    "。",
    "、",
    "について",
    "したい",
    "が心配",
];
/// The realistic corpus's vocabulary: the stems, then forms built from them; drawn by rank
/// with a Zipf law, so a few words are common and most are rare.
const STEMS: &[&str] = &[
    "アルバイト",
    "面接",
    "進学",
    "就職",
    "履歴書",
    "親",
    "大学",
    "専門学校",
    "将来",
    "不安",
    "友達",
    "体調",
    "担任",
    "レポート",
    "スクーリング",
    "学費",
    "奨学金",
    "バイト",
    "部活",
    "資格",
    "求人票",
    "志望動機",
    "オープンキャンパス",
    "通学",
    "朝起きられない",
    "ゲーム",
    "イラスト",
    "介護",
    "保育",
    "調理",
    "自動車",
    "英検",
    "漢検",
    "SPI",
    "ハローワーク",
    "職場見学",
    "インターン",
    "妹",
    "弟",
    "祖母",
    "引っ越し",
    "コンビニ",
    "パン屋",
    "カフェ",
    "工場",
    "倉庫",
    "美容",
    "看護",
    "プログラミング",
    "パソコン",
    "Excel",
    "動画編集",
    "声優",
    "音楽",
    "ダンス",
    "スポーツ",
    "サッカー",
    "バスケ",
    "睡眠",
    "食事",
    "お金",
    "交通費",
    "定期券",
    "スマホ",
    "SNS",
    "いじめ",
    "転校",
    "卒業",
    "単位",
    "テスト",
    "提出物",
    "締め切り",
    "電話",
    "メール",
    "敬語",
    "身だしなみ",
    "自己PR",
    "長所",
    "短所",
    "ボランティア",
    "地域",
    "図書館",
    "役所",
    "病院",
    "通院",
    "薬",
    "カウンセラー",
    "保健室",
    "進路指導",
    "三者面談",
    "家庭訪問",
    "母",
    "父",
    "兄",
    "姉",
    "家事",
    "料理",
    "掃除",
    "ペット",
    "自転車",
    "電車",
];
const FORMS: &[&str] = &["", "のこと", "の話", "について", "が気になる", "を調べた"];
/// Forms a phone or a pasted form gives, each as rare as a tail word.
const VARIANTS: &[&str] = &[
    "ｱﾙﾊﾞｲﾄ",
    "ﾊﾞｲﾄ",
    "ＳＰＩ",
    "２年生",
    "３年生",
    "ｅｘｃｅｌ",
    "ﾊﾟｿｺﾝ",
    "ﾒｰﾙ",
];

/// Which notes a store is filled with.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Corpus {
    WorstCase,
    Realistic,
}

/// xorshift64: the same notes on every run.
pub struct Rng(pub u64);
impl Rng {
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    /// A word of rank r (0 = most common) with probability ∝ 1 / (r + 1).
    fn zipf(&mut self, words: &[String], weights: &[f64]) -> usize {
        let total = *weights.last().unwrap();
        let x = (self.below(1 << 30) as f64 / (1u64 << 30) as f64) * total;
        weights.partition_point(|w| *w < x).min(words.len() - 1)
    }

    pub fn text(&mut self, corpus: &Vocabulary, min_words: usize, max_words: usize) -> String {
        let n = min_words + self.below(max_words - min_words + 1);
        let mut s = String::new();
        for _ in 0..n {
            match corpus.kind {
                Corpus::WorstCase => s.push_str(WORDS[self.below(WORDS.len())]),
                Corpus::Realistic => {
                    let i = self.zipf(&corpus.words, &corpus.weights);
                    s.push_str(&corpus.words[i]);
                }
            }
            s.push_str(GLUE[self.below(GLUE.len())]);
        }
        s
    }
}

/// The words of a corpus, by rank, and their cumulative Zipf weights.
pub struct Vocabulary {
    pub kind: Corpus,
    words: Vec<String>,
    weights: Vec<f64>,
}

impl Vocabulary {
    pub fn new(kind: Corpus) -> Vocabulary {
        let mut words: Vec<String> = Vec::new();
        for form in FORMS {
            for stem in STEMS {
                words.push(format!("{stem}{form}"));
            }
        }
        // The variants sit in the tail, among the rare words.
        for (i, v) in VARIANTS.iter().enumerate() {
            words.insert(200 + i * 40, (*v).to_owned());
        }
        let mut sum = 0.0;
        let weights = (0..words.len())
            .map(|r| {
                sum += 1.0 / (r as f64 + 1.0);
                sum
            })
            .collect();
        Vocabulary {
            kind,
            words,
            weights,
        }
    }

    /// The word at a rank, to search for.
    pub fn at(&self, rank: usize) -> &str {
        &self.words[rank]
    }
}
