"""Kế hoạch lắp đặt (planning): recommend where new cameras go; run and track campaigns."""

import datetime as dt

import streamlit as st
from streamlit_folium import st_folium

from geodata.analysis.recommend import MAX_PICKS, TEMPLATES, read_households, recommend
from geodata.errors import USER_ERRORS, InputError
from geodata.i18n import date_input_format, number, percent, text
from geodata.maps.cameratiles import app_tile_store
from geodata.maps.webmap import coverage_map
from geodata.registry import campaigns
from geodata.reports import planviews, views
from geodata.ui import appstate

RESULT_KEY = "plan_result"
TEMPLATE_NAMES = [template.name for template in TEMPLATES]

with appstate.page("plan.title") as (lang, actor):
    st.title(text("plan.title", lang))
    registry = appstate.registry()
    with appstate.loading(lang):
        summary = appstate.current_summary(actor)
    dataset = summary.dataset
    appstate.no_key_route(dataset, lang)
    plan_tab, campaign_tab = st.tabs(
        [text("plan.tab.recommend", lang), text("plan.tab.campaigns", lang)]
    )

    with plan_tab:
        with st.form("plan_form"):
            left, right = st.columns(2)
            goal = left.radio(
                text("plan.goal", lang),
                ["k", "share"],
                format_func=lambda g: text(f"plan.goal.{g}", lang),
                horizontal=True,
            )
            k = left.number_input(text("plan.k", lang), 1, MAX_PICKS, 20, step=5, key="plan_k")
            share_pct = left.slider(text("plan.share", lang), 5, 100, 50, step=5)
            spacing_m = left.number_input(
                text("plan.spacing", lang), 0.0, 500.0, 30.0, step=5.0, format="%.0f"
            )
            chosen = right.multiselect(
                text("plan.templates", lang),
                TEMPLATE_NAMES,
                default=TEMPLATE_NAMES,
                format_func=lambda t: text(f"type.{t}", lang),
                placeholder=text("ui.choose", lang),
            )
            source = right.radio(
                text("plan.source", lang),
                ["generated", "households", "both"],
                format_func=lambda s: text(f"plan.source.{s}", lang),
            )
            households = right.file_uploader(text("plan.households", lang), type=["csv", "xlsx"])
            weighting = right.checkbox(text("plan.hotspot_weighting", lang))
            plan_tier = appstate.tier_switch(lang, key="plan_tier")
            with st.expander(text("plan.route_priority", lang)):
                priorities = st.data_editor(
                    planviews.route_priorities(
                        appstate.key_segments(appstate.layer_revision()).route_names, lang
                    ),
                    disabled=[text("plan.column.route", lang)],
                    hide_index=True,
                    width="stretch",
                    key="route_priority",
                )
            run = st.form_submit_button(text("plan.run", lang), type="primary", key="plan_run")
        if run:
            bar = st.progress(0.0, text=text("plan.running", lang))
            try:
                if source != "generated" and households is None:
                    raise InputError("plan.households_missing")
                result = recommend(
                    dataset,
                    k=int(k) if goal == "k" else None,
                    target_share=share_pct / 100 if goal == "share" else None,
                    spacing_m=float(spacing_m),
                    templates=[t for t in TEMPLATES if t.name in chosen],
                    generated=source != "households",
                    households=read_households(households, dataset.crs) if households else None,
                    route_weights=planviews.route_weights(priorities, lang),
                    hotspot_weighting=weighting,
                    tier=plan_tier,
                    walls=summary.walls,
                    routes=summary.seen_at(plan_tier).routes,
                    progress=lambda fraction: bar.progress(
                        fraction, text=text("plan.running", lang)
                    ),
                )
            except USER_ERRORS as error:
                appstate.show_error(error, lang)
            else:
                st.session_state[RESULT_KEY] = result
            bar.empty()

        result = st.session_state.get(RESULT_KEY)
        if result is not None:
            placed = result.placement
            figures = st.columns(4)
            figures[0].metric(text("plan.metric.cameras", lang), number(len(placed.picks), lang))
            figures[1].metric(
                text("plan.metric.before", lang),
                percent(placed.covered_before_m / placed.length_m, lang),
            )
            figures[2].metric(
                text("plan.metric.after", lang),
                percent(placed.covered_after_m / placed.length_m, lang),
                text(
                    "plan.metric.added_km",
                    lang,
                    km=(placed.covered_after_m - placed.covered_before_m) / 1000,
                ),
            )
            figures[3].metric(text("plan.metric.gap", lang), percent(result.gap, lang, digits=2))
            st.caption(
                text(
                    "plan.bound",
                    lang,
                    bound=(placed.covered_before_m + result.bound_m) / 1000,
                    gap=result.gap,
                    candidates=len(result.problem),
                )
            )
            st_folium(
                coverage_map(
                    summary,
                    lang=lang,
                    proposals=planviews.proposals(result),
                    tile_store=app_tile_store(),
                ),
                returned_objects=[],
                use_container_width=True,
                height=560,
                key="plan_map",
            )
            st.subheader(text("plan.curve", lang))
            st.altair_chart(views.curve_chart(planviews.curve(result, lang), lang), width="stretch")
            steps = planviews.reached(result)
            if steps:
                st.caption(
                    " · ".join(
                        text("plan.reach", lang, share=share, count=count)
                        for share, count in steps.items()
                    )
                )
            st.subheader(text("plan.sites", lang))
            st.dataframe(
                views.styled(
                    planviews.recommended_table(result, lang),
                    lang,
                    plain=(text("plan.column.rank", lang),),
                ),
                hide_index=True,
                width="stretch",
            )

            st.subheader(text("plan.create", lang))
            if actor.role != "district":
                st.info(text("plan.district_only", lang))
            else:
                ward_names = registry.ward_names()
                with st.form("campaign_form"):
                    name = st.text_input(text("plan.campaign_name", lang), key="campaign_name")
                    picked_wards = st.multiselect(
                        text("plan.campaign_wards", lang),
                        sorted(ward_names),
                        format_func=lambda code: ward_names[code],
                        placeholder=text("plan.campaign_all_wards", lang),
                    )
                    deadline = st.date_input(
                        text("plan.deadline", lang),
                        dt.date.today() + dt.timedelta(days=90),
                        format=date_input_format(lang),
                    )
                    create = st.form_submit_button(
                        text("plan.create_button", lang), key="campaign_create"
                    )
                if create:
                    try:
                        campaign_number = campaigns.create_campaign(
                            registry,
                            actor,
                            result,
                            name=name,
                            wards=tuple(picked_wards),
                            deadline=deadline,
                        )
                    except USER_ERRORS as error:
                        appstate.show_error(error, lang)
                    else:
                        st.success(text("plan.created", lang, number=campaign_number))

    with campaign_tab:
        listed = campaigns.campaigns(registry, actor)
        if len(listed) == 0:
            st.info(text("plan.no_campaigns", lang))
            st.stop()
        st.dataframe(
            views.styled(
                planviews.campaign_table(listed, lang), lang, plain=(text("plan.column.id", lang),)
            ),
            hide_index=True,
            width="stretch",
        )
        names = dict(zip(listed["id"], listed["name"], strict=True))
        campaign_id = st.selectbox(
            text("plan.campaign_pick", lang),
            list(names),
            format_func=lambda number: f"#{number} · {names[number]}",
            key="campaign_pick",
        )
        targets = campaigns.targets(registry, actor, int(campaign_id))
        chosen_campaign = listed[listed["id"] == campaign_id].iloc[0]
        # A ward user's figures are their wards' (the campaign's "before" is the district's).
        figures = st.columns(3 if actor.sees_all_wards else 2)
        length_m = summary.routes.length_m or 1.0
        if actor.sees_all_wards:
            figures[0].metric(
                text("plan.metric.campaign_before", lang),
                percent(chosen_campaign["covered_before_m"] / length_m, lang),
            )
        figures[-2].metric(text("plan.metric.now", lang), percent(summary.routes.share, lang))
        installed_m = campaigns.coverage_if_installed(
            summary.seeing_dataset(), targets, summary.routes.segments
        )
        figures[-1].metric(
            text("plan.metric.all_installed", lang), percent(installed_m / length_m, lang)
        )
        st.subheader(text("plan.progress", lang))
        st.dataframe(
            views.styled(planviews.progress_table(campaigns.progress(targets), lang), lang),
            hide_index=True,
            width="stretch",
        )
        st_folium(
            coverage_map(
                summary,
                lang=lang,
                proposals=targets,
                frame_proposals=True,
                tile_store=app_tile_store(),
            ),
            returned_objects=[],
            use_container_width=True,
            height=520,
            key="campaign_map",
        )
        st.subheader(text("plan.targets", lang))
        st.dataframe(
            views.styled(
                planviews.target_table(targets, lang),
                lang,
                plain=(text("plan.column.rank", lang), text("plan.column.camera_id", lang)),
            ),
            hide_index=True,
            width="stretch",
        )
        st.download_button(
            text("plan.download_xlsx", lang),
            data=planviews.targets_xlsx(targets, lang),
            file_name=f"chien_dich_{campaign_id}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        if actor.role in ("district", "ward") and len(targets):
            st.subheader(text("plan.update", lang))
            ranks = dict(zip(targets["rank"], targets.index, strict=True))
            with st.form("target_form"):
                rank = st.selectbox(
                    text("plan.target_pick", lang),
                    list(ranks),
                    format_func=lambda r: planviews.target_label(targets.loc[ranks[r]], lang),
                )
                status = st.selectbox(
                    text("plan.new_status", lang),
                    campaigns.TARGET_STATUSES,
                    format_func=lambda s: text(f"target.{s}", lang),
                    key="target_status",
                )
                camera_id = st.number_input(text("plan.camera_id", lang), min_value=0, step=1)
                note = st.text_input(text("plan.note", lang))
                save = st.form_submit_button(text("plan.save_target", lang), key="target_save")
            if save:
                row = targets.loc[ranks[rank]]
                try:
                    campaigns.set_target(
                        registry,
                        actor,
                        int(row["id"]),
                        status=status,
                        expected_version=int(row["version"]),
                        camera_id=int(camera_id) or None,
                        note=note or None,
                    )
                except USER_ERRORS as error:
                    appstate.show_error(error, lang)
                else:
                    appstate.flash(
                        "plan.target_saved",
                        rank=int(row["rank"]),
                        status=text(f"target.{status}", lang),
                    )
                    st.rerun()
