"""Calibration from exports: readers per format, pooled estimates, round trips, bad input."""

from __future__ import annotations

import codecs
import csv
import io
import math
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
import yaml
from scipy import stats

from riskSim.errors import InvalidInputError
from riskSim.outputs.scenario_file import write_scenario
from riskSim.scenario.distributions import Beta, LogNormal
from riskSim.scenario.loading import load_scenario
from riskSim.studies.calibrate import (
    Post,
    calibrate,
    estimate_channel,
    merged_scenario_text,
    new_scenario_text,
    read_export,
)

GENERIC_HEADER = [
    "date",
    "channel",
    "kind",
    "audience",
    "impressions",
    "engagements",
    "clicks",
    "orders",
    "revenue",
]


def write_csv(path: Path, rows: list[list[object]], *, encoding: str = "utf-8", prefix: str = "") -> Path:
    buffer = io.StringIO()
    buffer.write(prefix)
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def problems_of(error: pytest.ExceptionInfo[InvalidInputError]) -> list[str]:
    return [problem.render() for problem in error.value.problems]


# --- the pooled estimate, worked by hand --------------------------------------------------


def post(day: int, **figures: object) -> Post:
    values: dict[str, object] = {
        "source": "hand.csv",
        "line": day + 2,
        "channel": "social",
        "kind": "rented",
        "when": datetime(2026, 1, 1) + timedelta(days=day),
        "audience": 1000.0,
        "impressions": None,
        "engagements": None,
        "clicks": None,
    }
    values.update(figures)
    return Post(**values)  # type: ignore[arg-type]


def test_two_posts_beta_matches_the_ratio_and_the_spread_between_posts() -> None:
    # reach = 400 / 2000 = 0.2; residuals y - 0.2 n = -100, +100, so the ratio's
    # standard error is sqrt(2/1 * 20000) / 2000 = 0.1 (far above the counts'
    # sqrt(0.16 / 2001) = 0.0089); a Beta of mean 0.2 and variance 0.01 has
    # a + b = 0.16 / 0.01 - 1 = 15: Beta(3, 12).
    channel = estimate_channel("social", [post(0, impressions=100), post(7, impressions=300)])
    reach = channel.fields["organic_reach"]
    assert reach.value == Beta(dist="beta", alpha=3.0, beta=12.0)
    assert reach.point == pytest.approx(0.2)
    assert (reach.low, reach.high) == pytest.approx(stats.beta.ppf([0.025, 0.975], 3, 12))
    assert reach.posts == 2 and reach.note == "posts vary: spread x11.2"
    assert channel.fields["posts_per_week"].value == 1.0  # two posts a week apart
    assert channel.fields["audience"].value == 1000.0
    assert channel.not_estimated["engagement_rate"] == "no engagements in the data"
    assert channel.not_estimated["daily_growth"] == "the audience does not move in the data"
    assert any("only 2 post(s)" in warning for warning in channel.warnings)


def test_equal_posts_keep_the_binomial_posterior() -> None:
    # Identical posts: no spread between them, so the counts decide: Beta of size n.
    posts = [post(day, impressions=100, engagements=10) for day in range(0, 70, 7)]
    channel = estimate_channel("social", posts)
    engagement = channel.fields["engagement_rate"]
    assert engagement.value == Beta(dist="beta", alpha=100.0, beta=900.0)
    assert engagement.note == ""
    assert channel.fields["posts_per_week"].value == pytest.approx(1.0)


def test_reach_above_one_is_written_as_one_and_engagement_divides_by_the_audience() -> None:
    posts = [
        post(day, impressions=1500 + day, engagements=30, clicks=3) for day in range(0, 70, 7)
    ]
    channel = estimate_channel("social", posts)
    assert channel.fields["organic_reach"].value == 1.0
    engagement = channel.fields["engagement_rate"]
    assert engagement.point == pytest.approx(300 / 10_000, rel=1e-6)
    assert engagement.basis == "engagements / audience"
    # reach x engagement x click is what the data say a post brings: 3 clicks of 1000.
    click = channel.fields["click_rate"].point
    assert 1.0 * engagement.point * click == pytest.approx(3 / 1000, rel=1e-5)
    assert any("reach above 1 in 10 post(s)" in warning for warning in channel.warnings)
    assert any("organic_reach pools to" in warning for warning in channel.warnings)


def test_clicks_above_engagements_warn() -> None:
    posts = [post(day, impressions=200, engagements=5, clicks=8) for day in range(0, 70, 7)]
    channel = estimate_channel("social", posts)
    assert any("clicks above engagements in 10 post(s)" in w for w in channel.warnings)
    assert channel.fields["click_rate"].value == 1.0


def test_no_successes_give_the_jeffreys_posterior_not_zero() -> None:
    posts = [
        post(day, impressions=100, engagements=10, clicks=5, orders=0, revenue=0.0)
        for day in range(10)
    ]
    channel = estimate_channel("social", posts)
    conversion = channel.fields["conversion_rate"]
    assert conversion.value == Beta(dist="beta", alpha=0.5, beta=50.5)
    assert channel.not_estimated["order_value"] == "no post brought an order"


def test_growth_and_churn_told_apart_when_the_losses_are_reported() -> None:
    # 1000 -> 1012 in 7 days with 5 lost: churn 5 / 7000 member-days; inflow (12 + 5) / 7.
    posts = [
        post(0, audience=1000.0, losses=5, impressions=300),
        post(7, audience=1012.0, losses=2, impressions=310),
    ]
    channel = estimate_channel("email", posts)
    churn = channel.fields["daily_churn"]
    growth = channel.fields["daily_growth"]
    assert churn.point == pytest.approx(5 / 7000, rel=1e-5)
    assert growth.point == pytest.approx(17 / 7, rel=1e-5)
    assert isinstance(growth.value, LogNormal)
    # One interval: the Poisson count of 17 arrivals is all the spread there is.
    assert growth.value.sigma == pytest.approx(math.sqrt(math.log1p(1 / 17)), rel=1e-3)
    assert growth.posts == 2


def test_net_change_alone_cannot_tell_growth_from_churn() -> None:
    rising = [post(day, audience=1000.0 + day) for day in range(0, 70, 7)]
    channel = estimate_channel("social", rising)
    assert channel.fields["daily_growth"].point == pytest.approx(1.0)
    assert "cannot be told apart" in channel.not_estimated["daily_churn"]
    falling = [post(day, audience=1000.0 - day) for day in range(0, 70, 7)]
    channel = estimate_channel("social", falling)
    # 63 lost over sum(A_i * 7) member-days, A_i = 1000, 993, ..., 944.
    member_days = sum((1000 - day) * 7 for day in range(0, 63, 7))
    assert channel.fields["daily_churn"].point == pytest.approx(63 / member_days, rel=1e-5)
    assert "cannot be told apart" in channel.not_estimated["daily_growth"]


def test_overdispersed_posts_widen_the_interval_to_cover_the_true_mean() -> None:
    """Posts whose rates vary (Beta around 5%): the widened interval covers the truth ~95%."""
    generator = np.random.default_rng(7)
    covered = binomial_covered = 0
    trials = 200
    for _ in range(trials):
        rates = generator.beta(0.05 * 40, 0.95 * 40, size=30)
        impressions = np.full(30, 2000)
        engaged = generator.binomial(impressions, rates)
        posts = [
            post(day, audience=10_000.0, impressions=int(n), engagements=int(y))
            for day, (n, y) in enumerate(zip(impressions, engaged, strict=True))
        ]
        estimate = estimate_channel("social", posts).fields["engagement_rate"]
        covered += estimate.low <= 0.05 <= estimate.high
        low, high = stats.beta.ppf([0.025, 0.975], engaged.sum() + 0.5, 60_000 - engaged.sum() + 0.5)
        binomial_covered += low <= 0.05 <= high
    assert 0.88 <= covered / trials <= 0.99
    assert binomial_covered / trials < 0.6  # the counts alone would be far too sure


# --- round trip through a generated per-post CSV -----------------------------------------------

TRUE = {
    "social": {
        "kind": "rented",
        "organic_reach": 0.12,
        "engagement_rate": 0.04,
        "click_rate": 0.3,
        "conversion_rate": 0.05,
        "order_value": 80.0,
        "audience": 20_000,
        "growth": 6.0,
    },
    "email": {
        "kind": "owned",
        "organic_reach": 0.25,
        "engagement_rate": 0.12,
        "click_rate": 0.6,
        "conversion_rate": 0.04,
        "order_value": 120.0,
        "audience": 3_000,
        "growth": 2.0,
    },
}


def generated_csv(path: Path, *, posts: int, seed: int) -> Path:
    """Posts every other day from known rates, each stage a binomial draw of the one before."""
    generator = np.random.default_rng(seed)
    rows: list[list[object]] = [GENERIC_HEADER]
    for name, truth in TRUE.items():
        audience = truth["audience"]
        for index in range(posts):
            day = date(2025, 1, 1) + timedelta(days=2 * index)
            impressions = generator.binomial(audience, truth["organic_reach"])
            engagements = generator.binomial(impressions, truth["engagement_rate"])
            clicks = generator.binomial(engagements, truth["click_rate"])
            orders = generator.binomial(clicks, truth["conversion_rate"])
            revenue = generator.exponential(truth["order_value"], orders).sum()
            rows.append(
                [day.isoformat(), name, truth["kind"], audience, impressions, engagements, clicks, orders, f"{revenue:.2f}"]
            )
            audience += generator.poisson(2 * truth["growth"])
    return write_csv(path, rows)


@pytest.mark.parametrize("posts, seed", [(40, 3), (80, 1)])
def test_round_trip_recovers_every_rate_within_its_interval(tmp_path: Path, posts: int, seed: int) -> None:
    """Every true figure inside its 95% interval, for these seeds.

    Twelve 95% intervals all cover about half the time, so a seed decides; that
    the intervals cover 95% of the time is what the overdispersion test checks.
    """
    calibration = calibrate([generated_csv(tmp_path / "posts.csv", posts=posts, seed=seed)])
    for name, truth in TRUE.items():
        fields = calibration.channels[name].fields
        assert fields["posts_per_week"].value == pytest.approx(3.5)
        for field in ("organic_reach", "engagement_rate", "click_rate", "conversion_rate", "order_value"):
            estimate = fields[field]
            assert estimate.low <= truth[field] <= estimate.high, (name, field, estimate)
        assert fields["daily_growth"].low <= truth["growth"] <= fields["daily_growth"].high
        assert "cannot be told apart" in calibration.channels[name].not_estimated["daily_churn"]


def test_round_trip_on_large_data_is_within_a_few_percent(tmp_path: Path) -> None:
    path = generated_csv(tmp_path / "posts.csv", posts=1500, seed=3)
    calibration = calibrate([path])
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    for name, truth in TRUE.items():
        fields = calibration.channels[name].fields
        own = [row for row in rows if row["channel"] == name]
        for field in ("organic_reach", "engagement_rate", "click_rate", "conversion_rate", "order_value"):
            assert fields[field].point == pytest.approx(truth[field], rel=0.04), (name, field)
        assert fields["daily_growth"].point == pytest.approx(truth["growth"], rel=0.04)
        # The written distribution's mean is the pooled ratio (within 1%).
        pooled = {
            "organic_reach": ("impressions", "audience"),
            "engagement_rate": ("engagements", "impressions"),
            "click_rate": ("clicks", "engagements"),
            "conversion_rate": ("orders", "clicks"),
            "order_value": ("revenue", "orders"),
        }
        for field, (numerator, denominator) in pooled.items():
            ratio = sum(float(row[numerator]) for row in own) / sum(float(row[denominator]) for row in own)
            assert fields[field].value.mean() == pytest.approx(ratio, rel=0.01)
        assert fields["audience"].value == float(own[-1]["audience"])


# --- the four formats, with their real header names and quirks ------------------------------


def test_linkedin_export_with_bom_title_row_percentages_and_thousands(tmp_path: Path) -> None:
    header = [
        "Post title", "Post link", "Post type", "Campaign name", "Posted by", "Created date",
        "Campaign start date", "Campaign end date", "Audience", "Impressions",
        "Views (excluding off-site video views)", "Off-site views", "Clicks",
        "Click through rate (CTR)", "Likes", "Comments", "Reposts", "Follows",
        "Engagement rate", "Content Type",
    ]  # fmt: skip
    rows = [
        header,
        ["Launch", "https://lnkd.in/a", "Organic", "", "Ann", "01/05/2026", "", "", "All followers",
         "1,204", "", "", "36", "2.99%", "20", "3", "1", "2", "4.98%", "Image"],
        ["Webinar", "https://lnkd.in/b", "Organic", "", "Ann", "01/13/2026", "", "", "All followers",
         "880", "", "", "20", "2.27%", "11", "0", "2", "0", "3.75%", "Article"],
    ]  # fmt: skip
    path = write_csv(
        tmp_path / "linkedin.csv",
        rows,
        encoding="utf-8-sig",
        prefix="All posts (sponsored and organic) for Northwind, 01/01/2026 - 01/31/2026\r\n",
    )
    export = read_export(path)
    assert export.format.key == "linkedin" and export.needs_audience == {"linkedin"}
    first, second = export.posts
    assert first.when == datetime(2026, 1, 5) and second.when == datetime(2026, 1, 13)
    assert first.line == 3  # the title line and the header come first
    assert (first.impressions, first.clicks, first.engagements) == (1204, 36, 36 + 20 + 3 + 1)
    assert first.audience is None and first.kind == "rented" and first.channel == "linkedin"
    assert export.warnings == []  # 01/13 says month first


def test_linkedin_older_header_date_and_shares(tmp_path: Path) -> None:
    rows = [
        ["Date", "Impressions", "Clicks", "Likes", "Comments", "Shares", "Engagement rate"],
        ["03/02/2026", "400", "10", "5", "1", "1", "4.25%"],
        ["03/04/2026", "300", "8", "2", "0", "0", "3.33%"],
    ]
    export = read_export(write_csv(tmp_path / "li.csv", rows))
    assert [post.when.date() for post in export.posts] == [date(2026, 3, 2), date(2026, 3, 4)]
    assert export.posts[0].engagements == 17
    assert "month first" in export.warnings[0] and "no day above 12" in export.warnings[0]


META_HEADER = [
    "Post ID", "Page ID", "Page name", "Title", "Publish time", "Permalink", "Post type",
    "Data comment", "Date", "Impressions", "Reach", "Reactions, comments and shares",
    "Reactions", "Comments", "Shares", "Total clicks", "Link clicks", "Other clicks",
]  # fmt: skip


def test_meta_export_utf16_sep_line_lifetime_totals_kept_once(tmp_path: Path) -> None:
    rows = [
        META_HEADER,
        ["1_1", "9", "Northwind", "Hello", "01/05/2026 09:30", "https://fb.com/1", "Photos", "",
         "Lifetime", "1,300", "1,000", "60", "40", "12", "8", "50", "20", "30"],
        ["1_2", "9", "Northwind", "Again", "01/14/2026 18:00", "https://fb.com/2", "Links", "",
         "Lifetime", "900", "700", "21", "15", "4", "2", "30", "9", "21"],
        # the same post again, exported later: its lifetime totals have grown, never added
        ["1_1", "9", "Northwind", "Hello", "01/05/2026 09:30", "https://fb.com/1", "Photos", "",
         "Lifetime", "1,400", "1,100", "66", "44", "13", "9", "55", "22", "33"],
    ]  # fmt: skip
    path = write_csv(tmp_path / "meta.csv", rows, encoding="utf-16", prefix="sep=,\r\n")
    assert path.read_bytes().startswith(codecs.BOM_UTF16_LE)
    export = read_export(path)
    assert export.format.key == "meta" and export.needs_audience == {"facebook"}
    assert [p.post_id for p in export.posts] == ["1_1", "1_2"]
    hello = export.posts[0]
    assert hello.when == datetime(2026, 1, 5, 9, 30)
    assert (hello.impressions, hello.clicks) == (1100, 22)  # reach, link clicks: the larger row
    assert hello.engagements == 44 + 13 + 9 + 55  # reactions, comments, shares, every click
    assert hello.line == 5  # sep line, header, two rows before it
    assert any("appear more than once" in warning for warning in export.warnings)


def test_meta_instagram_export_is_the_instagram_channel(tmp_path: Path) -> None:
    rows = [
        ["Post ID", "Account ID", "Account username", "Account name", "Description",
         "Publish time", "Permalink", "Post type", "Date", "Impressions", "Reach", "Likes",
         "Shares", "Follows", "Comments", "Saves"],
        ["17", "5", "northwind", "Northwind", "Latte art", "02/03/2026 08:00", "https://ig/1",
         "IG image", "Lifetime", "2,100", "1,800", "90", "4", "2", "6", "11"],
    ]  # fmt: skip
    export = read_export(write_csv(tmp_path / "ig.csv", rows, encoding="utf-8-sig"))
    (only,) = export.posts
    assert only.channel == "instagram" and only.impressions == 1800
    assert only.engagements == 90 + 6 + 4 + 11 and only.clicks is None


MAILCHIMP_HEADER = [
    "Unique Id", "Title", "Subject", "List", "Send Date", "Send Weekday", "Total Recipients",
    "Successful Deliveries", "Soft Bounces", "Hard Bounces", "Total Bounces", "Unique Opens",
    "Open Rate", "Total Opens", "Unique Clicks", "Click Rate", "Total Clicks", "Unsubscribes",
    "Abuse Complaints", "Total Orders", "Total Gross Sales", "Total Revenue",
]  # fmt: skip


def mailchimp_rows() -> list[list[object]]:
    return [
        MAILCHIMP_HEADER,
        ["a1", "Weekly #1", "Hi", "Newsletter", "Jun 09, 2018 09:30 pm", "Saturday", "1,212",
         "1,206", "4", "2", "6", "335", "27.78%", "520", "41", "3.40%", "60", "3", "1", "2",
         "$2,469.00", "$2,469.00"],
        ["a2", "Weekly #2", "Hi", "Newsletter", "Jun 16, 2018 09:30 pm", "Saturday", "1,230",
         "1,225", "3", "2", "5", "350", "28.57%", "540", "38", "3.10%", "52", "4", "0", "1",
         "$1,105.50", "$1,105.50"],
    ]  # fmt: skip


def test_mailchimp_export_dates_percentages_money_and_losses(tmp_path: Path) -> None:
    export = read_export(write_csv(tmp_path / "mc.csv", mailchimp_rows()))
    assert export.format.key == "mailchimp" and not export.needs_audience
    first, second = export.posts
    assert first.when == datetime(2018, 6, 9, 21, 30)
    assert (first.audience, first.impressions, first.engagements, first.clicks) == (1206, 335, 41, 41)
    assert (first.orders, first.revenue) == (2, 2469.0)
    assert first.losses == 3 + 2 + 1  # unsubscribes, hard bounces, complaints
    assert second.revenue == 1105.5 and first.kind == "owned" and first.channel == "email"
    assert export.warnings == []  # 335 / 1206 = 27.78%: the export's rates agree
    channel = estimate_channel("email", export.posts)
    assert channel.fields["click_rate"].value == 1.0  # an email's engaged are its clickers


def test_generic_csv_with_blank_optional_cells(tmp_path: Path) -> None:
    rows = [
        GENERIC_HEADER,
        ["2026-01-05", "blog", "owned", "900", "300", "30", "12", "", ""],
        ["2026-01-12", "blog", "owned", "910", "280", "25", "10", "1", "49.50"],
    ]
    export = read_export(write_csv(tmp_path / "g.csv", rows))
    assert [p.orders for p in export.posts] == [None, 1]
    channel = estimate_channel("blog", export.posts)
    assert channel.fields["conversion_rate"].posts == 1  # only the row that has orders
    assert channel.fields["order_value"].point == pytest.approx(49.5, rel=1e-5)


def test_day_first_dates_are_recognised_by_a_day_above_12(tmp_path: Path) -> None:
    rows = [
        ["Date", "Impressions", "Clicks", "Likes", "Comments", "Shares"],
        ["05/01/2026", "400", "10", "5", "1", "1"],
        ["13/01/2026", "300", "8", "2", "0", "0"],
    ]
    export = read_export(write_csv(tmp_path / "li.csv", rows))
    assert [p.when.date() for p in export.posts] == [date(2026, 1, 5), date(2026, 1, 13)]
    assert export.warnings == []


def test_channel_option_renames_and_window_keeps_the_days_in_between(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "mc.csv", mailchimp_rows())
    calibration = calibrate(
        [path], channel_names={"mc.csv": "newsletter"}, since=date(2018, 6, 10)
    )
    assert list(calibration.channels) == ["newsletter"]
    assert calibration.channels["newsletter"].posts == 1


# --- bad input: one problem per cell, naming the file, the row and the column ----------------


def linkedin_rows() -> list[list[object]]:
    return [
        ["Date", "Impressions", "Clicks", "Likes", "Comments", "Shares"],
        ["03/02/2026", "400", "10", "5", "1", "1"],
        ["03/09/2026", "300", "8", "2", "0", "0"],
    ]


@pytest.mark.parametrize(
    "row, expected",
    [
        (["soon", "400", "10", "5", "1", "1"], "row 3, column 'Date': 'soon' is not a date"),
        (["03/05/2026", "-4", "1", "5", "1", "1"], "row 3, column 'Impressions': -4 is negative"),
        (["03/05/2026", "40", "41", "5", "1", "1"], "row 3, column 'Clicks': 41 clicks is more than the 40 Impressions"),
        (["03/05/2026", "40", "4", "12%", "1", "1"], "row 3, column 'Likes': '12%' is a percentage"),
        (["03/05/2026", "40", "4", "many", "1", "1"], "row 3, column 'Likes': 'many' is not a number"),
        (["03/05/2026", "", "4", "1", "1", "1"], "row 3, column 'Impressions': is empty"),
    ],
)
def test_a_bad_cell_names_file_row_and_column(tmp_path: Path, row: list[str], expected: str) -> None:
    rows = linkedin_rows()
    rows.insert(2, row)
    path = write_csv(tmp_path / "li.csv", rows)
    with pytest.raises(InvalidInputError) as error:
        read_export(path)
    (message,) = problems_of(error)
    assert message.startswith(f"{path}: {expected}")


def test_every_bad_cell_is_listed_not_only_the_first(tmp_path: Path) -> None:
    rows = [
        GENERIC_HEADER,
        ["2026-01-05", "x", "rented", "100", "-1", "3", "1", "", ""],
        ["05.01.2026", "x", "borrowed", "100", "10", "3", "1", "", ""],
        ["2026-01-07", "x", "rented", "100", "10", "3", "11", "", ""],
        ["2026-01-08", "on", "rented", "100", "10", "3", "1", "", ""],
    ]
    path = write_csv(tmp_path / "g.csv", rows)
    with pytest.raises(InvalidInputError) as error:
        read_export(path)
    rendered = problems_of(error)
    assert rendered[0] == f"{path}: row 2, column 'impressions': -1 is negative; a count is never below 0"
    assert rendered[1].startswith(f"{path}: row 3, column 'date': '05.01.2026' is not a date")
    assert rendered[2].startswith(f"{path}: row 3, column 'kind': 'borrowed' is not a channel kind")
    assert rendered[3].startswith(f"{path}: row 4, column 'clicks': 11 clicks is more than the 10 impressions")
    assert rendered[4].startswith(f"{path}: row 5, column 'channel': 'on' is not a channel name")
    assert len(rendered) == 5


def test_missing_required_column_names_it(tmp_path: Path) -> None:
    rows = [row[:4] + row[5:] for row in [GENERIC_HEADER]]
    rows.append(["2026-01-05", "x", "rented", "100", "3", "1", "", ""])
    path = write_csv(tmp_path / "g.csv", rows)
    with pytest.raises(InvalidInputError) as error:
        read_export(path)
    (message,) = problems_of(error)
    assert message.startswith(
        f"{path}: row 1, column 'impressions': required column 'impressions' is missing "
        "(this looks like a generic per-post CSV"
    )


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "the file is empty"),
        (b"\n\n", "the file is empty"),
        (b"date,channel,kind,audience,impressions,engagements,clicks\n", "no row follows it"),
        (b"\xff\xd8\xff\xe0 a jpeg", "is not UTF-8 or UTF-16 text"),
        (b"name,age\nann,3\n", "not a recognised export"),
    ],
)
def test_unreadable_or_empty_files(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    with pytest.raises(InvalidInputError) as error:
        read_export(path)
    (message,) = problems_of(error)
    assert message.startswith(f"{path}") and expected in message


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError) as error:
        calibrate([tmp_path / "nope.csv", tmp_path])
    assert problems_of(error) == [f"{tmp_path / 'nope.csv'}: no such file", f"{tmp_path}: is a folder, not an export file"]


def test_linkedin_without_audience_says_how_to_give_it(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "li.csv", linkedin_rows())
    with pytest.raises(InvalidInputError) as error:
        calibrate([path])
    (message,) = problems_of(error)
    assert message == (
        f"{path}: a LinkedIn company page post export has no follower total, so organic reach "
        "cannot be told: give the linkedin audience with --audience linkedin=N (its followers "
        "today, e.g. --audience linkedin=5000)"
    )
    calibration = calibrate([path], audiences={"linkedin": 5000})
    assert calibration.channels["linkedin"].fields["organic_reach"].point == pytest.approx(
        700 / 10_000
    )


def test_options_naming_nothing_are_problems(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "li.csv", linkedin_rows())
    with pytest.raises(InvalidInputError) as error:
        calibrate(
            [path],
            audiences={"linkedin": 5000, "linkdin": 10},
            channel_names={"other.csv": "x"},
        )
    rendered = problems_of(error)
    assert any("--channel: other.csv=x: no file 'other.csv'" in line for line in rendered)
    assert any("no channel named 'linkdin' in the data; did you mean 'linkedin'?" in line for line in rendered)


# --- the scenario file ---------------------------------------------------------------------


def test_new_scenario_validates_with_sources_and_default_strategies(tmp_path: Path) -> None:
    calibration = calibrate([generated_csv(tmp_path / "posts.csv", posts=30, seed=5)])
    out = tmp_path / "calibrated.yaml"
    write_scenario(new_scenario_text(calibration, name="calibrated"), out)
    scenario = load_scenario(out)
    assert set(scenario.strategies) == {"platform-first", "owned-first"}
    assert scenario.strategies["owned-first"].capture[0].to == "email"
    assert scenario.shocks == []
    social = scenario.channels["social"]
    assert isinstance(social.organic_reach, Beta) and social.kind == "rented"
    assert social.target_share == 1.0  # not estimated: the default
    assert scenario.sources[0] == (
        f"riskSim calibrate: social from {tmp_path / 'posts.csv'} (generic per-post CSV), "
        "2025-01-01 to 2025-02-28, 30 posts"
    )
    assert "# calibrated: " in out.read_text()
    assert list(tmp_path.glob(".*")) == []  # no temporary left behind


def test_out_is_never_overwritten_without_force_and_nothing_is_left(tmp_path: Path) -> None:
    out = tmp_path / "s.yaml"
    out.write_text("keep me")
    calibration = calibrate([generated_csv(tmp_path / "posts.csv", posts=12, seed=5)])
    text = new_scenario_text(calibration, name="s")
    with pytest.raises(InvalidInputError) as error:
        write_scenario(text, out)
    assert problems_of(error) == [f"--out: {out} already exists; use --force to overwrite it"]
    assert out.read_text() == "keep me"
    write_scenario(text, out, force=True)
    assert load_scenario(out).name == "s"


def test_an_invalid_result_is_never_written(tmp_path: Path) -> None:
    out = tmp_path / "s.yaml"
    with pytest.raises(InvalidInputError):
        write_scenario("name: s\nchannels: {}\n", out)
    assert list(tmp_path.iterdir()) == []


def test_merge_keeps_strategies_shocks_other_fields_and_comments(tmp_path: Path) -> None:
    into = Path("scenarios/linkedin-pay-per-post.yaml")
    original = load_scenario(into)
    path = write_csv(tmp_path / "mc.csv", mailchimp_rows())
    calibration = calibrate([path])
    out = tmp_path / "merged.yaml"
    write_scenario(merged_scenario_text(calibration, into, out=out), out)
    merged = load_scenario(out)
    assert merged.strategies == original.strategies
    assert merged.shocks == original.shocks
    assert merged.channels["linkedin"] == original.channels["linkedin"]
    email, before = merged.channels["email"], original.channels["email"]
    assert email.audience == 1225 and isinstance(email.organic_reach, Beta)
    assert email.organic_reach.mean() == pytest.approx(685 / 2431, rel=0.01)
    # fields the Mailchimp export cannot tell stay as the file had them
    assert (email.production_cost, email.target_share) == (before.production_cost, before.target_share)
    assert email.cost_per_member_per_month == before.cost_per_member_per_month
    text = out.read_text()
    assert "# A B2B brand whose audience lives on its LinkedIn company page." in text
    assert "# hypothetical: $10 a post from month six" in text
    assert "# Mailchimp: 22.7% open rate" not in text  # a replaced value loses its old comment
    assert merged.sources[: len(original.sources)] == original.sources
    assert merged.sources[len(original.sources)].startswith(f"riskSim calibrate: email from {path}")
    # Merging again replaces its own sources line instead of adding another.
    again = tmp_path / "again.yaml"
    write_scenario(merged_scenario_text(calibration, out, out=again), again)
    assert load_scenario(again).sources == merged.sources


def test_merge_keeps_extends_pointing_at_the_same_file(tmp_path: Path) -> None:
    into = Path("scenarios/x-audience-exodus.yaml")
    if "extends" not in yaml.safe_load(into.read_text()):
        pytest.skip("no shipped scenario extends a base")
    calibration = calibrate([write_csv(tmp_path / "mc.csv", mailchimp_rows())], channel_names={"mc.csv": "email"})
    out = tmp_path / "merged.yaml"
    write_scenario(merged_scenario_text(calibration, into, out=out), out)
    assert load_scenario(out).shocks == load_scenario(into).shocks


def test_calibration_imports_no_cli_plotting_simpy_or_engine() -> None:
    import ast

    forbidden = ("typer", "rich", "matplotlib", "simpy", "riskSim.engine", "riskSim.simulation", "riskSim.cli")
    for path in Path("riskSim/calibration").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for name in names:
                assert not name.startswith(forbidden), f"{path} imports {name}"


def test_overlapping_exports_count_a_post_once(tmp_path: Path) -> None:
    header = ["Created date", "Post link", "Impressions", "Clicks", "Likes", "Comments", "Reposts"]
    january = write_csv(tmp_path / "jan.csv", [
        header,
        ["01/05/2026", "https://lnkd.in/a", "400", "10", "5", "1", "1"],
        ["01/20/2026", "https://lnkd.in/b", "300", "8", "2", "0", "0"],
    ])  # fmt: skip
    later = write_csv(tmp_path / "later.csv", [
        header,
        ["01/20/2026", "https://lnkd.in/b", "350", "9", "2", "0", "0"],  # b again, grown since
        ["02/03/2026", "https://lnkd.in/c", "500", "12", "6", "2", "1"],
    ])  # fmt: skip
    calibration = calibrate([january, later, january], audiences={"linkedin": 1000})
    linkedin = calibration.channels["linkedin"]
    assert linkedin.posts == 3
    assert linkedin.fields["organic_reach"].point == pytest.approx((400 + 350 + 500) / 3000, rel=1e-5)
    assert any("1 post(s) appear more than once" in w and "later.csv row 2" in w for w in calibration.warnings)
    assert any("the same file as" in w for w in calibration.warnings)


def test_merge_keeps_full_line_comments_between_fields_and_channels(tmp_path: Path) -> None:
    into = tmp_path / "into.yaml"
    into.write_text(
        "name: shop\n"
        "channels:\n"
        "  email:\n"
        "    kind: owned\n"
        "    audience: 300    # a guess\n"
        "    # how many open: the benchmark\n"
        "    organic_reach: 0.2\n"
        "    production_cost: 15\n"
        "  # the shop's Instagram\n"
        "  instagram: {kind: rented, audience: 9000}\n"
        "strategies:\n"
        "  stay: {}\n",
        encoding="utf-8",
    )
    calibration = calibrate([write_csv(tmp_path / "mc.csv", mailchimp_rows())])
    out = tmp_path / "out.yaml"
    write_scenario(merged_scenario_text(calibration, into, out=out), out)
    text = out.read_text()
    assert "# a guess" not in text  # the replaced value's own comment gives way
    assert "    # how many open: the benchmark\n    organic_reach: {dist: beta" in text
    assert "  # the shop's Instagram\n  instagram: {kind: rented, audience: 9000}" in text
    merged = load_scenario(out)
    assert merged.channels["email"].production_cost == 15
    assert merged.channels["email"].daily_growth.mean() > 0  # a field the file lacked, added
