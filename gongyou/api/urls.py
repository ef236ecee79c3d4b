from django.urls import path

from gongyou.api.views import benefits, cases, funds, insight, partner, stations

app_name = "api"

urlpatterns = [
    # Partners (bearer token of one enterprise).
    path("partner/roster", partner.RosterView.as_view(), name="roster"),
    path("join", partner.JoinView.as_view(), name="join"),
    path("members/<str:member_no>", partner.MemberView.as_view(), name="member"),
    # Staff (bearer token of one staff user: their scope and role).
    path("benefits/campaigns", benefits.CampaignsView.as_view(), name="benefit_campaigns"),
    path("benefits/claims", benefits.ClaimsView.as_view(), name="benefit_claims"),
    path("funds/accounts", funds.AccountsView.as_view(), name="fund_accounts"),
    path("funds/transactions", funds.TransactionsView.as_view(), name="fund_transactions"),
    path("funds/transactions/<int:id>/reverse", funds.ReverseView.as_view(), name="fund_reverse"),
    path("funds/trial-balance", funds.TrialBalanceView.as_view(), name="fund_trial_balance"),
    path("cases", cases.CasesView.as_view(), name="cases"),
    path("cases/<str:case_no>", cases.CaseView.as_view(), name="case"),
    path("cases/<str:case_no>/actions", cases.CaseActionsView.as_view(), name="case_actions"),
    path("insight/served", benefits.ServedView.as_view(), name="insight_served"),
    path("insight/unionless", insight.UnionlessView.as_view(), name="insight_unionless"),
    path("insight/kpis", insight.KpisView.as_view(), name="insight_kpis"),
    path("insight/ranking", insight.RankingView.as_view(), name="insight_ranking"),
    # Public (no credentials).
    path("stations/nearby", stations.NearbyView.as_view(), name="nearby"),
]
