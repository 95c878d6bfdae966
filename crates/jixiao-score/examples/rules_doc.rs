//! Prints the rule table as Markdown (docs/rules.md is made with it).

fn main() {
    println!("| rule | 名称 | severity | forms | checks | source | 依据 |");
    println!("|---|---|---|---|---|---|---|");
    for r in jixiao_score::RULES {
        let forms: Vec<&str> = r
            .forms
            .iter()
            .map(|f| match f {
                jixiao_record::FormKind::SelfEvaluation => "自评",
                jixiao_record::FormKind::Monitoring => "跟踪",
                jixiao_record::FormKind::TargetDeclaration => "申报",
            })
            .collect();
        println!(
            "| `{}` | {} | {:?} | {} | {} | {} | {} |",
            r.id,
            r.title,
            r.severity,
            forms.join(", "),
            r.checks,
            r.source,
            r.basis
        );
    }
}
