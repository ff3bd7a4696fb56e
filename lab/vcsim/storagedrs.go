package main

import (
	"fmt"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// storageResourceManager replaces the simulator's: ConfigureStorageDrsForPod_Task keeps Storage DRS
// VM overrides (vmConfigSpec: add, edit, remove) and more of the pod's configuration, and its task's
// entity is the pod, as on vCenter (the simulator's names the StorageResourceManager, which is not a
// ManagedEntity, and pyvmomi's WaitForTask fails on that).
//
// It embeds the simulator's object by value: the simulator's property collector digs the mo type out
// of the first embedded struct field, which a pointer field would not give it.
type storageResourceManager struct {
	simulator.StorageResourceManager
}

func installStorageDrs(model *simulator.Model) error {
	ref := model.ServiceContent.StorageResourceManager
	if ref == nil {
		return nil
	}
	original, ok := simulator.Map.Get(*ref).(*simulator.StorageResourceManager)
	if !ok {
		return fmt.Errorf("the simulator has no StorageResourceManager at %s", ref.Value)
	}
	simulator.Map.Put(&storageResourceManager{StorageResourceManager: *original})
	return nil
}

func (m *storageResourceManager) ConfigureStorageDrsForPodTask(req *types.ConfigureStorageDrsForPod_Task) soap.HasFault {
	pod, ok := simulator.Map.Get(req.Pod).(*simulator.StoragePod)
	if !ok {
		return &methods.ConfigureStorageDrsForPod_TaskBody{
			Fault_: simulator.Fault(fmt.Sprintf("%s is not a datastore cluster", req.Pod), &types.ManagedObjectNotFound{Obj: req.Pod}),
		}
	}
	task := simulator.CreateTask(pod, "configureStorageDrsForPod", func(*simulator.Task) (types.AnyType, types.BaseMethodFault) {
		var fault types.BaseMethodFault
		simulator.Map.WithLock(pod, func() {
			fault = configureStorageDrs(pod, &req.Spec, req.Modify)
		})
		return nil, fault
	})
	task.Info.DescriptionId = "StorageResourceManager.configureStorageDrsForPod"
	task.Info.EntityName = pod.Name

	return &methods.ConfigureStorageDrsForPod_TaskBody{
		Res: &types.ConfigureStorageDrsForPod_TaskResponse{Returnval: task.Run()},
	}
}

func invalid(property string) types.BaseMethodFault {
	return &types.InvalidArgument{InvalidProperty: property}
}

// configureStorageDrs applies the spec to the pod, all or nothing. With modify false the VM overrides
// are replaced by the spec's (as a new configuration would); the pod settings the spec leaves out stay.
func configureStorageDrs(pod *simulator.StoragePod, spec *types.StorageDrsConfigSpec, modify bool) types.BaseMethodFault {
	if pod.PodStorageDrsEntry == nil {
		pod.PodStorageDrsEntry = &types.PodStorageDrsEntry{}
	}
	config := pod.PodStorageDrsEntry.StorageDrsConfig
	config.VmConfig = append([]types.StorageDrsVmConfigInfo(nil), config.VmConfig...)
	if !modify {
		config.VmConfig = nil
	}
	if s := spec.PodConfigSpec; s != nil {
		if fault := applyPodConfig(&config.PodConfig, s); fault != nil {
			return fault
		}
	}
	for i := range spec.VmConfigSpec {
		vmConfig, fault := applyVMOverride(config.VmConfig, &spec.VmConfigSpec[i])
		if fault != nil {
			return fault
		}
		config.VmConfig = vmConfig
	}
	pod.PodStorageDrsEntry.StorageDrsConfig = config
	simulator.Map.Update(pod, []types.PropertyChange{{Name: "podStorageDrsEntry", Val: pod.PodStorageDrsEntry}})
	return nil
}

func applyPodConfig(config *types.StorageDrsPodConfigInfo, s *types.StorageDrsPodConfigSpec) types.BaseMethodFault {
	if len(s.Rule) != 0 {
		return &types.NotSupported{} // Storage DRS rules: not modelled by the lab
	}
	if s.DefaultVmBehavior != "" && s.DefaultVmBehavior != "manual" && s.DefaultVmBehavior != "automated" {
		return invalid("podConfigSpec.defaultVmBehavior")
	}
	if s.Enabled != nil {
		config.Enabled = *s.Enabled
	}
	if s.IoLoadBalanceEnabled != nil {
		config.IoLoadBalanceEnabled = *s.IoLoadBalanceEnabled
	}
	if s.DefaultVmBehavior != "" {
		config.DefaultVmBehavior = s.DefaultVmBehavior
	}
	if s.LoadBalanceInterval != 0 {
		config.LoadBalanceInterval = s.LoadBalanceInterval
	}
	if s.DefaultIntraVmAffinity != nil {
		config.DefaultIntraVmAffinity = s.DefaultIntraVmAffinity
	}
	if s.SpaceLoadBalanceConfig != nil {
		config.SpaceLoadBalanceConfig = s.SpaceLoadBalanceConfig
	}
	if s.IoLoadBalanceConfig != nil {
		config.IoLoadBalanceConfig = s.IoLoadBalanceConfig
	}
	if s.AutomationOverrides != nil {
		config.AutomationOverrides = s.AutomationOverrides
	}
	for _, option := range s.Option {
		var key string
		switch option.Operation {
		case types.ArrayUpdateOperationRemove:
			k, ok := option.RemoveKey.(string)
			if !ok {
				return invalid("podConfigSpec.option.removeKey")
			}
			key = k
		default:
			if option.Option == nil {
				return invalid("podConfigSpec.option.option")
			}
			key = option.Option.GetOptionValue().Key
		}
		index := -1
		for i, existing := range config.Option {
			if existing.GetOptionValue().Key == key {
				index = i
			}
		}
		switch {
		case option.Operation == types.ArrayUpdateOperationAdd && index < 0:
			config.Option = append(config.Option, option.Option)
		case option.Operation == types.ArrayUpdateOperationEdit && index >= 0:
			config.Option[index] = option.Option
		case option.Operation == types.ArrayUpdateOperationRemove && index >= 0:
			config.Option = append(config.Option[:index:index], config.Option[index+1:]...)
		default:
			return invalid("podConfigSpec.option")
		}
	}
	return nil
}

func overrideKey(spec *types.StorageDrsVmConfigSpec) (types.ManagedObjectReference, types.BaseMethodFault) {
	if spec.Operation == types.ArrayUpdateOperationRemove {
		switch key := spec.RemoveKey.(type) {
		case types.ManagedObjectReference:
			return key, nil
		case *types.ManagedObjectReference:
			return *key, nil
		}
		return types.ManagedObjectReference{}, invalid("vmConfigSpec.removeKey")
	}
	if spec.Info == nil || spec.Info.Vm == nil {
		return types.ManagedObjectReference{}, invalid("vmConfigSpec.info.vm")
	}
	return *spec.Info.Vm, nil
}

// applyVMOverride applies one add / edit / remove of a Storage DRS VM override, keyed by the VM.
func applyVMOverride(overrides []types.StorageDrsVmConfigInfo, spec *types.StorageDrsVmConfigSpec) ([]types.StorageDrsVmConfigInfo, types.BaseMethodFault) {
	key, fault := overrideKey(spec)
	if fault != nil {
		return nil, fault
	}
	if spec.Info != nil && spec.Info.Behavior != "" && spec.Info.Behavior != "manual" && spec.Info.Behavior != "automated" {
		return nil, invalid("vmConfigSpec.info.behavior")
	}
	index := -1
	for i := range overrides {
		if overrides[i].Vm != nil && *overrides[i].Vm == key {
			index = i
		}
	}
	switch spec.Operation {
	case types.ArrayUpdateOperationAdd:
		if _, isVM := simulator.Map.Get(key).(*simulator.VirtualMachine); !isVM {
			return nil, &types.ManagedObjectNotFound{Obj: key}
		}
		if index >= 0 {
			return nil, invalid("vmConfigSpec.info.vm")
		}
		info := *spec.Info
		info.Vm = &key
		return append(overrides, info), nil
	case types.ArrayUpdateOperationEdit:
		if index < 0 {
			return nil, invalid("vmConfigSpec.info.vm")
		}
		current := &overrides[index]
		if spec.Info.Enabled != nil {
			current.Enabled = spec.Info.Enabled
		}
		if spec.Info.Behavior != "" {
			current.Behavior = spec.Info.Behavior
		}
		if spec.Info.IntraVmAffinity != nil {
			current.IntraVmAffinity = spec.Info.IntraVmAffinity
		}
		if spec.Info.IntraVmAntiAffinity != nil {
			current.IntraVmAntiAffinity = spec.Info.IntraVmAntiAffinity
		}
		if spec.Info.VirtualDiskRules != nil {
			current.VirtualDiskRules = spec.Info.VirtualDiskRules
		}
		return overrides, nil
	case types.ArrayUpdateOperationRemove:
		if index < 0 {
			return nil, invalid("vmConfigSpec.removeKey")
		}
		return append(overrides[:index:index], overrides[index+1:]...), nil
	}
	return nil, invalid("vmConfigSpec.operation")
}
