import { lazy, type ComponentType, type ReactNode } from 'react';
import { createBrowserRouter, Navigate, Outlet, useLocation } from 'react-router';
import { Center, Loader } from '@mantine/core';
import { useSession, type Permission } from './auth/session.tsx';
import { AppLayout } from './layout/AppLayout.tsx';
import { firstAllowedPath } from './layout/nav.ts';
import { Forbidden, ErrorAlert } from './components/ui.tsx';
import { AuthLayout } from './pages/auth/AuthLayout.tsx';

/** Each page is its own chunk: the first load carries only the shell. */
const page = <M, K extends keyof M>(load: () => Promise<M>, name: K) => lazy(async () => ({ default: (await load())[name] as ComponentType }));

const Login = page(() => import('./pages/auth/Login.tsx'), 'Login');
const Signup = page(() => import('./pages/auth/Signup.tsx'), 'Signup');
const ForgotPassword = page(() => import('./pages/auth/ForgotPassword.tsx'), 'ForgotPassword');
const ResetPassword = page(() => import('./pages/auth/ResetPassword.tsx'), 'ResetPassword');
const AcceptInvite = page(() => import('./pages/auth/AcceptInvite.tsx'), 'AcceptInvite');
const AccountSettings = page(() => import('./pages/settings/AccountSettings.tsx'), 'AccountSettings');
const CompanySettings = page(() => import('./pages/settings/CompanySettings.tsx'), 'CompanySettings');
const Team = page(() => import('./pages/team/Team.tsx'), 'Team');
const Applications = page(() => import('./pages/applications/Applications.tsx'), 'Applications');
const ApplicationDetail = page(() => import('./pages/applications/ApplicationDetail.tsx'), 'ApplicationDetail');
const Audit = page(() => import('./pages/audit/Audit.tsx'), 'Audit');
const Dashboard = page(() => import('./pages/dashboard/Dashboard.tsx'), 'Dashboard');
const Applicants = page(() => import('./pages/applicants/Applicants.tsx'), 'Applicants');
const ApplicantProfile = page(() => import('./pages/applicants/ApplicantProfile.tsx'), 'ApplicantProfile');
const ReviewQueue = page(() => import('./pages/review/ReviewQueue.tsx'), 'ReviewQueue');
const KycLogs = page(() => import('./pages/logs/KycLogs.tsx'), 'KycLogs');
const KycReports = page(() => import('./pages/reports/KycReports.tsx'), 'KycReports');
const Links = page(() => import('./pages/links/Links.tsx'), 'Links');
const Aml = page(() => import('./pages/aml/Aml.tsx'), 'Aml');
const AmlLists = page(() => import('./pages/aml/AmlLists.tsx'), 'AmlLists');
const FaceLists = page(() => import('./pages/faces/FaceLists.tsx'), 'FaceLists');
const Workflows = page(() => import('./pages/workflows/Workflows.tsx'), 'Workflows');
const WorkflowEditor = page(() => import('./pages/workflows/WorkflowEditor.tsx'), 'WorkflowEditor');
const Questionnaires = page(() => import('./pages/questionnaires/Questionnaires.tsx'), 'Questionnaires');
const QuestionnaireBuilder = page(() => import('./pages/questionnaires/QuestionnaireBuilder.tsx'), 'QuestionnaireBuilder');

function Loading() {
  return (
    <Center h="100vh">
      <Loader size="sm" />
    </Center>
  );
}

function RequireAuth() {
  const { me, loading } = useSession();
  const location = useLocation();
  if (loading) return <Loading />;
  if (!me) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return <AppLayout />;
}

function PublicOnly() {
  const { me, loading, can } = useSession();
  if (loading) return <Loading />;
  if (me) return <Navigate to={firstAllowedPath(can)} replace />;
  return (
    <AuthLayout>
      <Outlet />
    </AuthLayout>
  );
}

function Guard({ permission, children }: { permission: Permission | null; children: ReactNode }) {
  const { can } = useSession();
  if (permission && !can(permission)) return <Forbidden />;
  return <>{children}</>;
}

function Home() {
  const { can } = useSession();
  return <Navigate to={firstAllowedPath(can)} replace />;
}

function RouteError() {
  return (
    <Center p="xl">
      <ErrorAlert error={new Error('This page failed to load. Reload the page; if it keeps failing, the server may have been updated.')} onRetry={() => location.reload()} />
    </Center>
  );
}

const g = (permission: Permission | null, el: ReactNode) => <Guard permission={permission}>{el}</Guard>;

export const router = createBrowserRouter(
  [
    {
      element: <PublicOnly />,
      errorElement: <RouteError />,
      children: [
        { path: '/login', element: <Login /> },
        { path: '/signup', element: <Signup /> },
        { path: '/forgot-password', element: <ForgotPassword /> },
      ],
    },
    // Reset and invite links work whether or not someone is signed in in this browser.
    {
      element: (
        <AuthLayout>
          <Outlet />
        </AuthLayout>
      ),
      errorElement: <RouteError />,
      children: [
        { path: '/reset-password', element: <ResetPassword /> },
        { path: '/accept-invite', element: <AcceptInvite /> },
      ],
    },
    {
      element: <RequireAuth />,
      errorElement: <RouteError />,
      children: [
        { index: true, element: <Home /> },
        { path: '/dashboard', element: g('applicants.read', <Dashboard />) },
        { path: '/applicants', element: g('applicants.read', <Applicants />) },
        { path: '/applicants/:id', element: g('applicants.read', <ApplicantProfile />) },
        { path: '/review-queue', element: g('applicants.review', <ReviewQueue />) },
        { path: '/kyc-logs', element: g('applicants.read', <KycLogs />) },
        { path: '/kyc-reports', element: g('applicants.read', <KycReports />) },
        { path: '/links', element: g('applicants.write', <Links />) },
        { path: '/aml', element: g('aml.scan', <Aml />) },
        { path: '/aml-lists', element: g('aml.scan', <AmlLists />) },
        { path: '/face-lists', element: g('applicants.read', <FaceLists />) },
        { path: '/workflows', element: g('flows.manage', <Workflows />) },
        { path: '/workflows/:id', element: g('flows.manage', <WorkflowEditor />) },
        { path: '/questionnaires', element: g('flows.manage', <Questionnaires />) },
        { path: '/questionnaires/:id', element: g('flows.manage', <QuestionnaireBuilder />) },
        { path: '/applications', element: g('settings.manage', <Applications />) },
        { path: '/applications/:id', element: g('settings.manage', <ApplicationDetail />) },
        { path: '/team', element: g('team.manage', <Team />) },
        { path: '/audit', element: g('audit.read', <Audit />) },
        { path: '/settings/account', element: <AccountSettings /> },
        { path: '/settings/company', element: <CompanySettings /> },
        { path: '*', element: <Home /> },
      ],
    },
  ],
  { basename: '/app' },
);
