//! Prints the rule table as Markdown (docs/rules.md is made with it).

fn main() {
    println!("| rule | severity | forms | checks | source |");
    println!("|---|---|---|---|---|");
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
            "| `{}` | {:?} | {} | {} | {} |",
            r.id,
            r.severity,
            forms.join(", "),
            r.checks,
            r.source
        );
    }
}
