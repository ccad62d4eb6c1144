"""Sample questions of every type, built fresh for each test."""

from __future__ import annotations

from app.services.quiz.data import QuestionData, numerical_answer, option


def single_choice(**payload) -> QuestionData:
    """术后冰敷: one right option, one wrong, one penalised."""
    payload.setdefault("options", [
        option("每次15-20分钟", 1.0, "正确"),
        option("持续冰敷一整天", 0.0, "会冻伤"),
        option("热敷", -0.5, "会加重肿胀"),
    ])
    return QuestionData(type="single_choice", stem="术后冰敷多久？", payload=payload)


def multiple_choice(scoring: str = "partial", **payload) -> QuestionData:
    """Two right options (0.5 each) and one wrong option worth -0.5."""
    payload.setdefault("options", [
        option("核对身份", 0.5, "对"), option("确认过敏史", 0.5), option("跳过签字", -0.5, "不可"),
        option("拍照留档", 0.0),
    ])
    payload["scoring"] = scoring
    return QuestionData(type="multiple_choice", stem="术前必须做的是？", payload=payload)


def true_false(answer: bool = True) -> QuestionData:
    """A statement whose truth is `answer`."""
    return QuestionData(type="true_false", stem="玻尿酸注射后24小时内不宜化妆。", payload={
        "answer": answer, "feedback_true": "选了对", "feedback_false": "选了错"})


def fill_blank(*answers: dict) -> QuestionData:
    """Accepted answers, defaulting to one full-credit answer and one half-credit one."""
    answers = list(answers) or [option("Botox", 1.0, "好"), option("肉毒素", 0.5, "半对")]
    return QuestionData(type="fill_blank", stem="A型肉毒毒素的商品名是____。",
                        payload={"answers": answers})


def numerical(*answers: dict) -> QuestionData:
    """Numerical answers, defaulting to 2.5 ± 0.1 (full) then the range 2..3 (half)."""
    answers = list(answers) or [numerical_answer(2.5, 0.1, feedback="准确"),
                                numerical_answer(min=2, max=3, fraction=0.5, feedback="接近")]
    return QuestionData(type="numerical", stem="注射量（ml）？", payload={"answers": answers})


def matching(distractors: list[str] | None = None) -> QuestionData:
    """Three pairs and one distractor."""
    pairs = [{"left": "红肿", "right": "冰敷"}, {"left": "淤青", "right": "热敷(48h后)"},
             {"left": "过敏", "right": "立即就医"}]
    return QuestionData(type="matching", stem="症状与处理配对", payload={
        "pairs": pairs, "distractors": ["按摩"] if distractors is None else distractors})


def ordering(count: int = 5) -> QuestionData:
    """The steps of an SOP, `count` of them, in their correct order."""
    steps = ["接待", "面诊", "签署知情同意书", "治疗", "术后回访", "复诊", "归档"][:count]
    return QuestionData(type="ordering", stem="排列操作步骤", payload={"items": steps})


def short_answer() -> QuestionData:
    """A free-text question with a reference answer and two rubric points."""
    return QuestionData(type="short_answer", stem="客户抱怨肿胀，如何回复？", payload={
        "reference": "先共情，再解释正常恢复期，并约复诊。", "rubric": ["共情", "约复诊"]})


def every_type() -> list[QuestionData]:
    """One valid question of each registered type."""
    return [single_choice(), multiple_choice(), multiple_choice("all_or_nothing"),
            true_false(), fill_blank(), numerical(), matching(), ordering(), short_answer()]
