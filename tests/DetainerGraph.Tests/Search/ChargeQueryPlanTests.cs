using DetainerGraph.Search;

namespace DetainerGraph.Tests.Search;

/// <summary>
/// The one reading of a query both engines build from (<see cref="ChargeQueryPlan"/>): which words are fuzzy,
/// which are stemmed, how a prefix is read.
/// </summary>
public sealed class ChargeQueryPlanTests
{
    private static ChargeQueryPlan Plan(string text, params string[] indexHolds) =>
        ChargeQueryPlan.Plan(ChargeQuery.Parse(text), t => indexHolds.Contains(t));

    [Theory]
    [InlineData("traffic")]
    [InlineData("trafficking")]
    [InlineData("drunk")]
    [InlineData("battery")]
    public void A_word_the_index_holds_is_never_fuzzy(string word)
    {
        var term = Assert.Single(ChargeQueryPlan.FuzzCandidates(ChargeQuery.Parse(word)));
        var clause = Assert.Single(Plan(word, term).Clauses);
        Assert.Equal(0, clause.FuzzyEdits);
        Assert.Equal([term], clause.Terms);
    }

    [Theory]
    [InlineData("asault", "asault", 2)]
    [InlineData("thft", "thft", 1)]
    [InlineData("Robbery", "robberi", 2)]
    public void A_word_the_index_lacks_gets_the_edits_of_its_analysed_term(string word, string term, int edits)
    {
        var clause = Assert.Single(Plan(word).Clauses);
        Assert.Equal([term], clause.Terms);
        Assert.Equal(edits, clause.FuzzyEdits);
    }

    [Theory]
    [InlineData("8USC1325")]
    [InlineData("5404")]
    [InlineData("ab")]
    [InlineData("dui")]
    [InlineData("dwi")]
    [InlineData("bac")]
    [InlineData("pcs")]
    [InlineData("fta")]
    [InlineData("thc")]
    [InlineData("sex")]
    public void Short_words_and_words_with_digits_are_never_fuzzy_and_never_looked_up(string word)
    {
        Assert.Empty(ChargeQueryPlan.FuzzCandidates(ChargeQuery.Parse(word)));
        Assert.Equal(0, Assert.Single(Plan(word).Clauses).FuzzyEdits);
    }

    [Fact]
    public void A_word_analysis_splits_is_each_of_its_terms_exactly_and_never_fuzzy()
    {
        Assert.Empty(ChargeQueryPlan.FuzzCandidates(ChargeQuery.Parse("sex-assualt")));
        var clause = Assert.Single(Plan("sex-assualt").Clauses);
        Assert.Equal(QueryClauseKind.Word, clause.Kind);
        Assert.Equal(["sex", "assualt"], clause.Terms);
        Assert.Equal(0, clause.FuzzyEdits);
    }

    [Theory]
    [InlineData("weapons*", "weapons")]
    [InlineData("Possessing*", "possessing")]
    [InlineData("offenses*", "offenses")]
    [InlineData("burglary*", "burglary")]
    public void A_trailing_star_is_a_prefix_of_the_unstemmed_word(string text, string prefix)
    {
        var clause = Assert.Single(Plan(text).Clauses);
        Assert.Equal(QueryClauseKind.Prefix, clause.Kind);
        Assert.Equal([prefix], clause.Terms);
        Assert.Equal(0, clause.FuzzyEdits);
    }

    [Fact]
    public void A_phrase_is_its_stemmed_terms_in_order()
    {
        var clause = Assert.Single(Plan("\"Cruelty toward wife's\"").Clauses);
        Assert.Equal(QueryClauseKind.Phrase, clause.Kind);
        Assert.Equal(["cruelti", "toward", "wife"], clause.Terms);
    }

    [Fact]
    public void Only_single_term_words_are_candidates_each_once_in_query_order()
    {
        Assert.Equal(["asault", "robberi"], ChargeQueryPlan.FuzzCandidates(ChargeQuery.Parse("asault \"agg assault\" robbery 5404 robbery drivin* asault agg")));
    }

    [Theory]
    [InlineData("burglary of habitation", "burglari|habit")]
    [InlineData("indecency with a child", "indec|child")]
    [InlineData("theft of property >=$100<$750", "theft|properti|100 750")]
    [InlineData("tampering w/ evidence", "tamper|evid")]
    [InlineData("fail to appear", "fail|appear")]
    [InlineData("\"theft of property\"", "theft of properti")]
    [InlineData("of", "of")]
    [InlineData("to the", "to|the")]
    [InlineData("no contact", "no|contact")]
    [InlineData("under 15", "under|15")]
    public void Connectives_outside_quotes_are_left_out_when_other_words_remain(string text, string terms)
    {
        var plan = Plan(text);
        Assert.Equal(terms, string.Join('|', plan.Clauses.Select(c => string.Join(' ', c.Terms))));
        Assert.DoesNotContain("of", ChargeQueryPlan.FuzzCandidates(ChargeQuery.Parse(text + " with")));
    }

    [Theory]
    [InlineData("jumping \"of\"", "jump|of")]
    [InlineData("\"with\" \"of\"", "with|of")]
    [InlineData("theft \"the\" of", "theft|the")]
    public void A_quoted_connective_is_required(string text, string terms)
    {
        Assert.Equal(terms, string.Join('|', Plan(text).Clauses.Select(c => string.Join(' ', c.Terms))));
    }

    [Theory]
    [InlineData("\"asault\"", "asault")]
    [InlineData("\"thft\"", "thft")]
    [InlineData("\" Robbery \"", "robberi")]
    public void A_quoted_word_is_never_fuzzy_and_never_looked_up(string text, string term)
    {
        Assert.Empty(ChargeQueryPlan.FuzzCandidates(ChargeQuery.Parse(text)));
        var clause = Assert.Single(Plan(text).Clauses);
        Assert.Equal(QueryClauseKind.Word, clause.Kind);
        Assert.Equal([term], clause.Terms);
        Assert.Equal(0, clause.FuzzyEdits);
    }

    [Theory]
    [InlineData("drunk", "drunk", 0)]
    [InlineData("drunk", "", 1)]
    [InlineData("asault", "", 2)]
    [InlineData("thft", "", 1)]
    [InlineData("dui", "", 0)]
    [InlineData("mem", "", 0)]
    [InlineData("5404x", "", 0)]
    public void A_suggestion_changes_a_word_only_within_its_typo_edits_and_never_a_word_the_search_knows(string word, string known, int edits)
    {
        var plan = ChargeQueryPlan.Plan(ChargeQuery.Parse(word + " zzqx"), t => t == known);
        Assert.Equal(edits, plan.SuggestionEdits(word));
    }

    [Fact]
    public void A_word_longer_than_the_tokenizer_keeps_is_dropped_so_the_other_words_still_match()
    {
        var plan = Plan("assault " + new string('x', 70), "assault");
        var clause = Assert.Single(plan.Clauses);
        Assert.Equal(["assault"], clause.Terms);
        Assert.False(plan.MatchesNothing);
    }

    [Fact]
    public void Words_that_analyse_to_nothing_match_nothing_and_blank_text_matches_all()
    {
        Assert.True(Plan(new string('x', 70)).MatchesNothing);
        Assert.True(Plan("").MatchesAll);
        Assert.False(Plan("").MatchesNothing);
    }

    /// <summary>
    /// The grammar reads control and format characters as spaces, so text of nothing else is blank like an empty query (a
    /// NUL, a zero-width space or a byte-order mark pasted into a search box matched nothing, an empty query everything);
    /// symbols are not blank.
    /// </summary>
    [Theory]
    [InlineData("\u0000")]
    [InlineData("\u200B")]
    [InlineData("\uFEFF \u00A0")]
    [InlineData("\u001B\t\u202E")]
    public void Control_and_format_characters_alone_are_blank(string text)
    {
        Assert.True(Plan(text).MatchesAll);
        Assert.False(Plan(text).MatchesNothing);
        Assert.True(Plan("\"\"").MatchesNothing);
        Assert.True(Plan("* -").MatchesNothing);
    }
}
